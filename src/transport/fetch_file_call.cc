// FetchFileCall: the CallData of the internal server-streaming Node.FetchFile RPC, by which
// another node of the cluster fetches a file this node stores, to proxy a download. The
// caller must give the cluster secret. One chunk is read ahead on the disk pool while the one
// before is written: never the whole file in memory.
#include <optional>
#include <string>
#include <utility>

#include "transport/call_base.h"
#include "transport/cluster_files.h"
#include "transport/convert.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {

class FetchFileCall final : public CallBase {
 public:
  explicit FetchFileCall(ServiceContext& ctx)
      : CallBase(ctx, "FetchFile", true), files_(*ctx.cluster_files), writer_(&server_ctx_) {
    files_.service.RequestFetchFile(&server_ctx_, &request_, &writer_, ctx_.cq.get(),
                                    ctx_.cq.get(), request_tag());
  }

 private:
  enum class State {
    opening,    // the pool opens the file
    streaming,  // chunks
    finishing,  // Finish issued
    finished,   // Finish completed, or the caller went away
  };

  bool on_started() override {
    if (Status allowed = check_secret(); !allowed.ok()) {
      log::warn("cluster: FetchFile from {} refused: {}", util::escape(peer()), allowed.message);
      finish(allowed);
      return true;
    }
    const std::string& id = request_.file_id();
    const FileInfo* info = ctx_.hub.file_info(id);
    if (info != nullptr && !files_.is_local(ctx_.hub.file_node(id))) info = nullptr;
    if (info == nullptr) {
      finish({Code::not_found, fmt::format("node {} stores no file '{}'", files_.self(),
                                           util::escape(id))});
      return true;
    }
    size_ = info->size;
    if (request_.offset() > size_) {
      finish({Code::invalid_argument, fmt::format("offset {} is past the end of the file's {} "
                                                  "bytes", request_.offset(), size_)});
      return true;
    }
    last_progress_ = std::chrono::steady_clock::now();
    start_timer(ctx_.config.transfer_idle);
    file_ = std::make_shared<util::FileReader>();
    run_on_pool([file = file_, path = ctx_.file_path(id), offset = request_.offset()] {
                  if (Status opened = file->open(path); !opened.ok() || offset == 0) return opened;
                  return file->seek(offset);
                },
                [this](Status status) {
                  if (state_ == State::opening) on_opened(status);
                  return !done();
                });
    return true;
  }

  void rearm() override { new FetchFileCall(ctx_); }

  Status check_secret() const {
    if (!files_.has_secret()) {
      return {Code::unauthenticated, "this node has no cluster secret (--cluster-secret)"};
    }
    const auto& metadata = server_ctx_.client_metadata();
    const auto given = metadata.find(ClusterFiles::kSecretKey);
    if (given == metadata.end()) return {Code::unauthenticated, "no cluster secret given"};
    if (!files_.secret_matches(std::string_view(given->second.data(), given->second.size()))) {
      return {Code::permission_denied, "wrong cluster secret"};
    }
    return {};
  }

  void on_opened(const Status& status) {
    if (!status.ok()) {
      finish({Code::data_loss, "the file is no longer stored on its node"});
      return;
    }
    if (file_->size() != size_) {
      finish({Code::data_loss, "the stored file does not have the size it was published with"});
      return;
    }
    state_ = State::streaming;
    read_next();
  }

  // One chunk read ahead of the write in flight at most.
  void read_next() {
    if (reading_ || ready_ || eof_ || state_ != State::streaming) return;
    reading_ = true;
    run_on_pool([file = file_, size = ctx_.config.limits.chunk_size] { return file->read(size); },
                [this](Result<std::string> chunk) {
                  reading_ = false;
                  if (state_ == State::streaming) on_chunk(std::move(chunk));
                  return !done();
                });
  }

  void on_chunk(Result<std::string> chunk) {
    if (!chunk.ok()) {
      finish(chunk.status());
      return;
    }
    if (chunk->empty()) {
      eof_ = true;
    } else {
      ready_ = std::move(*chunk);
    }
    pump();
  }

  void pump() {
    if (writing_ || state_ != State::streaming) return;
    if (ready_) {
      cluster::FetchFileResponse message;
      message.set_chunk(std::move(*ready_));
      ready_.reset();
      writing_ = true;
      writer_.Write(message, write_op_.arm());
      read_next();
      return;
    }
    if (eof_) finish({});
  }

  bool on_write(bool ok) {
    writing_ = false;
    last_progress_ = std::chrono::steady_clock::now();
    if (!ok) {
      state_ = State::finished;  // the fetching node went away; the done tag follows
      return !done();
    }
    pump();
    read_next();
    return !done();
  }

  void finish(const Status& status) {
    state_ = State::finishing;
    ready_.reset();
    writer_.Finish(to_grpc(status), finish_op_.arm());
  }

  bool on_finish(bool /*ok*/) {
    state_ = State::finished;
    return !done();
  }

  // A fetching node that stops reading is cancelled like a stalled download.
  bool on_timer(bool fired) override {
    if (!fired || (state_ != State::opening && state_ != State::streaming)) return !done();
    if (!stalled_since(last_progress_)) return !done();
    log::info("cluster: FetchFile of {} by {} cancelled: no progress", util::escape(request_.file_id()),
              util::escape(peer()));
    state_ = State::finished;
    ready_.reset();
    server_ctx_.TryCancel();
    return !done();
  }

  bool on_done(bool /*cancelled*/) override {
    if (state_ == State::opening || state_ == State::streaming) state_ = State::finished;
    ready_.reset();
    return false;
  }

  ClusterFiles& files_;
  cluster::FetchFileRequest request_;
  grpc::ServerAsyncWriter<cluster::FetchFileResponse> writer_;
  Op<FetchFileCall, &FetchFileCall::on_write> write_op_{this};
  Op<FetchFileCall, &FetchFileCall::on_finish> finish_op_{this};

  State state_ = State::opening;
  std::uint64_t size_ = 0;
  std::shared_ptr<util::FileReader> file_;
  std::optional<std::string> ready_;
  bool reading_ = false;
  bool writing_ = false;
  bool eof_ = false;
  std::chrono::steady_clock::time_point last_progress_;
};

}  // namespace

void arm_fetch_file(ServiceContext& ctx) {
  if (ctx.cluster_files) new FetchFileCall(ctx);
}

}  // namespace chatcore::transport
