// The ceiling's file calls: Upload hashes each chunk and writes it straight to disk on the
// loop thread (or drops both), as chatd must; Download streams the stored file from disk.
#include <fmt/format.h>
#include <fcntl.h>
#include <unistd.h>

#include "chatbench/ceiling_internal.h"
#include "util/files.h"

namespace chatbench {
namespace {

class CeilingUpload final : public Tag {
 public:
  explicit CeilingUpload(CeilingServer::State& st) : st_(st), reader_(&ctx_) {
    st_.service.RequestUpload(&ctx_, &reader_, st_.cq.get(), st_.cq.get(), this);
  }
  void on_event(bool ok) override {
    switch (state_) {
      case State::requested:
        if (!ok) break;
        if (!st_.stopping) new CeilingUpload(st_);
        state_ = State::reading;
        reader_.Read(&request_, this);
        return;
      case State::reading:
        if (ok) {
          consume();
          reader_.Read(&request_, this);
        } else {
          complete();
        }
        return;
      case State::finishing:
        break;
    }
    if (fd_ >= 0) ::close(fd_);
    delete this;
  }

 private:
  enum class State { requested, reading, finishing };

  void consume() {
    if (request_.has_meta()) {
      file_.name = request_.meta().name();
      file_.sha256 = request_.meta().sha256();
      id_ = fmt::format("c{}", st_.next_id++);
      if (st_.options.upload_to_disk) {
        file_.path = st_.options.dir / id_;
        fd_ = ::open(file_.path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
      }
      return;
    }
    const std::string& chunk = request_.chunk();
    file_.size += chunk.size();
    if (st_.options.upload_to_disk) sha_.update(chunk);
    std::size_t done = 0;
    while (fd_ >= 0 && done < chunk.size()) {
      const ssize_t n = ::write(fd_, chunk.data() + done, chunk.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
  }

  void complete() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (st_.options.upload_to_disk) file_.sha256 = sha_.hex();
    st_.files[id_] = file_;
    auto* f = response_.mutable_file();
    f->set_id(id_);
    f->set_name(file_.name);
    f->set_size(file_.size);
    f->set_sha256(file_.sha256);
    state_ = State::finishing;
    reader_.Finish(response_, grpc::Status::OK, this);
  }

  CeilingServer::State& st_;
  grpc::ServerContext ctx_;
  grpc::ServerAsyncReader<v1::UploadResponse, v1::UploadRequest> reader_;
  v1::UploadRequest request_;
  v1::UploadResponse response_;
  State state_ = State::requested;
  StoredFile file_;
  chatcore::util::Sha256 sha_;
  std::string id_;
  int fd_ = -1;
};

class CeilingDownload final : public Tag {
 public:
  explicit CeilingDownload(CeilingServer::State& st) : st_(st), writer_(&ctx_) {
    st_.service.RequestDownload(&ctx_, &request_, &writer_, st_.cq.get(), st_.cq.get(), this);
  }
  ~CeilingDownload() {
    if (fd_ >= 0) ::close(fd_);
  }
  void on_event(bool ok) override {
    switch (state_) {
      case State::requested: {
        if (!ok) break;
        if (!st_.stopping) new CeilingDownload(st_);
        const auto it = st_.files.find(request_.file_id());
        if (it == st_.files.end() || it->second.path.empty() ||
            (fd_ = ::open(it->second.path.c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
          finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such file"));
          return;
        }
        auto* info = response_.mutable_info();
        info->set_id(request_.file_id());
        info->set_name(it->second.name);
        info->set_size(it->second.size);
        info->set_sha256(it->second.sha256);
        state_ = State::writing;
        writer_.Write(response_, this);
        return;
      }
      case State::writing:
        if (!ok) {
          finish(grpc::Status(grpc::StatusCode::CANCELLED, "broken"));
          return;
        }
        write_chunk();
        return;
      case State::finishing:
        break;
    }
    delete this;
  }

 private:
  enum class State { requested, writing, finishing };

  void write_chunk() {
    std::string* chunk = response_.mutable_chunk();
    chunk->resize(st_.options.chunk_size);
    const ssize_t n = ::read(fd_, chunk->data(), chunk->size());
    if (n <= 0) {
      finish(grpc::Status::OK);
      return;
    }
    chunk->resize(static_cast<std::size_t>(n));
    writer_.Write(response_, this);
  }

  void finish(const grpc::Status& status) {
    state_ = State::finishing;
    writer_.Finish(status, this);
  }

  CeilingServer::State& st_;
  grpc::ServerContext ctx_;
  v1::DownloadRequest request_;
  v1::DownloadResponse response_;
  grpc::ServerAsyncWriter<v1::DownloadResponse> writer_;
  State state_ = State::requested;
  int fd_ = -1;
};

}  // namespace

void arm_ceiling_upload(CeilingServer::State& st) { new CeilingUpload(st); }
void arm_ceiling_download(CeilingServer::State& st) { new CeilingDownload(st); }

}  // namespace chatbench
