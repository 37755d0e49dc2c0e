// UploadCall: the CallData of the client-streaming Upload RPC. Chunks are read from the
// stream on the loop thread and written (and hashed) on the disk pool, one pool task at a
// time per upload, while the next read is already in flight. The file is written under a
// temporary name and renamed only when everything checked out; on any failure the partial
// file is removed before the client hears why.
#include <boost/asio/post.hpp>

#include <deque>
#include <memory>

#include "transport/context.h"
#include "transport/convert.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {

// Chunks received but not yet on disk; past this the call stops reading (backpressure).
constexpr std::size_t kMaxQueuedChunks = 64;

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

class UploadCall final {
 public:
  explicit UploadCall(ServiceContext& ctx) : ctx_(ctx), reader_(&server_ctx_) {
    server_ctx_.AsyncNotifyWhenDone(&done_tag_);
    ctx_.service.RequestUpload(&server_ctx_, &reader_, ctx_.cq.get(), ctx_.cq.get(), &request_tag_);
  }

 private:
  enum class State {
    requested,  // waiting for a client
    meta,       // waiting for the metadata message
    receiving,  // chunks flow to disk
    storing,    // all bytes on disk; closing, checking and renaming on the pool
    failing,    // removing the partial file before telling the client
    finishing,  // Finish issued
    finished,   // Finish completed
  };

  void on_request(bool ok) {
    if (!ok) {
      delete this;
      return;
    }
    active_.start(ctx_, "Upload");
    if (!ctx_.shutting_down) arm_upload(ctx_);
    peer_ = server_ctx_.peer();
    state_ = State::meta;
    read_next();
  }

  void read_next() {
    read_in_flight_ = true;
    message_.Clear();
    reader_.Read(&message_, &read_tag_);
  }

  void on_read(bool ok) {
    read_in_flight_ = false;
    if (state_ != State::meta && state_ != State::receiving) {
      maybe_delete();
      return;
    }
    if (!ok) {
      // The client half-closed (or went away: the done tag tells which).
      if (state_ == State::meta) {
        fail({Code::invalid_argument, "the upload ended before its metadata"});
      } else if (received_ != declared_) {
        fail({Code::invalid_argument,
              fmt::format("the upload ended after {} of the {} bytes declared", received_,
                          declared_)});
      } else {
        eof_ = true;
        maybe_store();
      }
      return;
    }
    if (state_ == State::meta) {
      start(message_);
      return;
    }
    if (!message_.has_chunk()) {
      fail({Code::invalid_argument, "metadata was sent twice; after it only chunks may follow"});
      return;
    }
    std::string* chunk = message_.mutable_chunk();
    received_ += chunk->size();
    ctx_.metrics.bytes_uploaded.add(chunk->size());
    if (received_ > declared_) {
      fail({Code::invalid_argument,
            fmt::format("the upload sent more than the {} bytes declared", declared_)});
      return;
    }
    if (!chunk->empty()) chunks_.push_back(std::move(*chunk));
    write_queued();
    maybe_read();
  }

  void maybe_read() {
    if (!read_in_flight_ && !eof_ && state_ == State::receiving &&
        chunks_.size() < kMaxQueuedChunks) {
      read_next();
    }
  }

  void start(v1::UploadRequest& request) {
    if (!request.has_meta()) {
      fail({Code::invalid_argument, "the first message of an upload must be its metadata"});
      return;
    }
    const auto& meta = request.meta();
    auto session = ctx_.session(meta.session());
    if (!session.ok()) {
      fail(session.status());
      return;
    }
    session_ = *session;
    nickname_ = ctx_.hub.nickname(session_);
    if (auto admitted = ctx_.admit(session_, false); !admitted.ok()) {
      fail(std::move(admitted));
      return;
    }
    auto target = ctx_.hub.check_upload(session_, meta.name(), meta.size(), meta.room(),
                                        meta.recipient());
    if (!target.ok()) {
      fail(target.status());
      return;
    }
    if (!meta.sha256().empty() && !is_sha256_hex(meta.sha256())) {
      fail({Code::invalid_argument, "sha256 must be 64 lowercase hex digits"});
      return;
    }
    target_ = std::move(*target);
    declared_ = meta.size();
    client_sha256_ = meta.sha256();
    const std::uint64_t quota = ctx_.config.storage_quota;
    const std::uint64_t committed = ctx_.stored_bytes + ctx_.reserved_bytes;
    if (quota != 0 && committed + declared_ > quota) {
      fail({Code::resource_exhausted,
            fmt::format("the server's storage quota is full: {} free, the file is {}",
                        util::human_bytes(quota > committed ? quota - committed : 0),
                        util::human_bytes(declared_))});
      return;
    }
    // Uploads in flight count against free space from the start, not as they grow.
    const std::uint64_t in_flight = ctx_.reserved_bytes;
    ctx_.reserved_bytes += declared_;
    reserved_ = true;
    file_id_ = ctx_.hub.new_file_id();
    state_ = State::receiving;
    // Opening the file is the first disk task; chunks queue behind it.
    file_ = std::make_shared<util::FileWriter>();
    run_on_pool([file = file_, path = ctx_.temp_path(file_id_), dir = ctx_.config.storage_dir,
                 needed = in_flight + declared_] {
      if (auto space = util::check_free_space(dir, needed); !space.ok()) return space;
      return file->open(path);
    });
    read_next();
  }

  // Runs `task` on the disk pool and its Status back on the loop, in on_disk_done.
  template <class Task>
  void run_on_pool(Task task) {
    disk_in_flight_ = true;
    ++posted_;
    boost::asio::post(ctx_.io_pool, [this, task = std::move(task)]() mutable {
      Status status = task();
      ctx_.waker->post([this, status = std::move(status)]() mutable {
        --posted_;
        disk_in_flight_ = false;
        on_disk_done(std::move(status));
      });
    });
  }

  void write_queued() {
    if (disk_in_flight_ || chunks_.empty() || state_ != State::receiving) return;
    run_on_pool([file = file_, chunks = std::exchange(chunks_, {})] {
      for (const auto& chunk : chunks) {
        Status status = file->write(chunk);
        if (!status.ok()) return status;
      }
      return Status{};
    });
  }

  void on_disk_done(Status status) {
    switch (state_) {
      case State::receiving:
        if (!status.ok()) {
          fail(std::move(status));
          return;
        }
        write_queued();
        maybe_read();
        maybe_store();
        return;
      case State::storing:
        if (!status.ok()) {
          // The pool removed the temporary file already.
          file_.reset();
          finish_error(std::move(status));
          return;
        }
        publish();
        return;
      case State::failing:
        finish_error(error_);
        return;
      default:
        maybe_delete();
        return;
    }
  }

  void maybe_store() {
    if (!eof_ || disk_in_flight_ || !chunks_.empty() || state_ != State::receiving) return;
    state_ = State::storing;
    run_on_pool([this, file = file_, temp = ctx_.temp_path(file_id_),
                 final_path = ctx_.file_path(file_id_), expected = client_sha256_] {
      auto sha = file->close();
      if (!sha.ok()) {
        util::remove_quietly(temp);
        return sha.status();
      }
      if (!expected.empty() && *sha != expected) {
        util::remove_quietly(temp);
        return Status(Code::data_loss,
                      fmt::format("sha256 mismatch: you sent {}, the server received {}", expected,
                                  *sha));
      }
      std::error_code ec;
      std::filesystem::rename(temp, final_path, ec);
      if (ec) {
        util::remove_quietly(temp);
        return Status(Code::internal, "cannot store the file: " + ec.message());
      }
      sha256_ = *sha;  // read on the loop only after the post-back
      return Status{};
    });
  }

  void publish() {
    file_.reset();
    auto info = ctx_.hub.publish_file(session_, target_, file_id_, declared_, sha256_);
    if (!info.ok()) {
      error_ = info.status();
      state_ = State::failing;
      run_on_pool([path = ctx_.file_path(file_id_)] {
        util::remove_quietly(path);
        return Status{};
      });
      return;
    }
    log::info("user {} at {} uploaded {} ({}) to {} as {}", nickname_, peer_, info->name,
              util::human_bytes(info->size),
              info->room.empty() ? "user " + info->recipient : "room " + info->room, info->id);
    release_reservation();
    ctx_.stored_bytes += declared_;
    v1::UploadResponse response;
    to_proto(*info, response.mutable_file());
    state_ = State::finishing;
    reader_.Finish(response, grpc::Status::OK, &finish_tag_);
  }

  // Any failure: remember why, remove the partial file (after a disk task in flight), then
  // tell the client.
  void fail(Status status) {
    if (state_ == State::failing || state_ == State::finishing || state_ == State::finished) {
      return;
    }
    if (status.code != Code::cancelled) {
      ctx_.metrics.refused(status.code);
      log::info("upload by {} at {} failed: {}", nickname_.empty() ? "?" : nickname_, peer_,
                status.to_string());
    }
    error_ = std::move(status);
    chunks_.clear();
    if (!file_) {
      finish_error(error_);
      return;
    }
    state_ = State::failing;
    // The final name too: a failure can land while the pool is renaming.
    auto cleanup = [file = std::move(file_), temp = ctx_.temp_path(file_id_),
                    final_path = ctx_.file_path(file_id_)]() mutable {
      file.reset();  // closes the descriptor
      util::remove_quietly(temp);
      util::remove_quietly(final_path);
      return Status{};
    };
    if (disk_in_flight_) {
      // on_disk_done (state failing) finishes once this cleanup, queued behind it, is done.
      pending_cleanup_ = std::move(cleanup);
    } else {
      run_on_pool(std::move(cleanup));
    }
  }

  void finish_error(Status status) {
    if (pending_cleanup_) {
      run_on_pool(std::exchange(pending_cleanup_, {}));
      return;
    }
    state_ = State::finishing;
    reader_.FinishWithError(to_grpc(status), &finish_tag_);
  }

  void on_finish(bool /*ok*/) {
    state_ = State::finished;
    release_reservation();
    maybe_delete();
  }

  void release_reservation() {
    if (!reserved_) return;
    reserved_ = false;
    ctx_.reserved_bytes -= declared_;
  }

  void on_done(bool /*ok*/) {
    done_ = true;
    if (server_ctx_.IsCancelled()) {
      if (state_ == State::meta || state_ == State::receiving) {
        log::info("upload by {} at {} cancelled", nickname_.empty() ? "?" : nickname_, peer_);
      }
      fail({Code::cancelled, "upload cancelled"});
    }
    maybe_delete();
  }

  void maybe_delete() {
    if (done_ && state_ == State::finished && !read_in_flight_ && posted_ == 0) delete this;
  }

  ServiceContext& ctx_;
  ActiveCall active_;
  grpc::ServerContext server_ctx_;
  grpc::ServerAsyncReader<v1::UploadResponse, v1::UploadRequest> reader_;
  v1::UploadRequest message_;
  MemberTag<UploadCall, &UploadCall::on_request> request_tag_{this};
  MemberTag<UploadCall, &UploadCall::on_read> read_tag_{this};
  MemberTag<UploadCall, &UploadCall::on_finish> finish_tag_{this};
  MemberTag<UploadCall, &UploadCall::on_done> done_tag_{this};

  State state_ = State::requested;
  std::string peer_;
  std::string nickname_;
  model::SessionId session_ = 0;
  model::UploadTarget target_;
  std::string file_id_;
  std::string client_sha256_;
  std::string sha256_;
  std::uint64_t declared_ = 0;
  std::uint64_t received_ = 0;
  std::shared_ptr<util::FileWriter> file_;
  std::deque<std::string> chunks_;
  std::function<Status()> pending_cleanup_;
  Status error_;
  bool read_in_flight_ = false;
  bool disk_in_flight_ = false;
  bool eof_ = false;
  bool done_ = false;
  bool reserved_ = false;  // declared_ counts in ctx_.reserved_bytes
  int posted_ = 0;
};

}  // namespace

void arm_upload(ServiceContext& ctx) { new UploadCall(ctx); }

}  // namespace chatcore::transport
