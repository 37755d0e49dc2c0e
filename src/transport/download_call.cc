// DownloadCall: the CallData of the server-streaming Download RPC. The pool reads chunks a
// few ahead of the stream; the loop writes them one at a time. The file is never loaded
// whole into memory.
#include <deque>
#include <memory>
#include <vector>

#include "transport/call_base.h"
#include "transport/convert.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {

// Chunks one disk task reads, and how many may wait for the stream before reading pauses.
constexpr std::size_t kChunksPerRead = 16;
constexpr std::size_t kReadAhead = 32;

class DownloadCall final : public CallBase {
 public:
  explicit DownloadCall(ServiceContext& ctx)
      : CallBase(ctx, "Download", true), writer_(&server_ctx_) {
    ctx_.service.RequestDownload(&server_ctx_, &request_, &writer_, ctx_.cq.get(), ctx_.cq.get(),
                                 request_tag());
  }

 private:
  enum class State {
    authorizing,  // checking the session and the file's permissions
    opening,    // the pool opens the file
    streaming,  // info, then chunks
    finishing,  // Finish issued
    finished,   // Finish completed
  };

  bool on_started() override {
    auto session = authorize(request_.session(), false);
    if (!session.ok()) {
      finish(session.status());
      return true;
    }
    nickname_ = ctx_.hub.nickname(*session);
    auto info = ctx_.hub.authorize_download(*session, request_.file_id());
    if (!info.ok()) {
      log::info("download of {} by {} at {} refused: {}", util::escape(request_.file_id()),
                nickname_, peer(), info.status().message);
      finish(info.status());
      return true;
    }
    info_ = std::move(*info);
    state_ = State::opening;
    file_ = std::make_shared<util::FileReader>();
    run_on_pool([file = file_, path = ctx_.file_path(info_.id)] { return file->open(path); },
                [this](Status status) {
                  if (state_ == State::opening) on_opened(status);
                  return !done();
                });
    return true;
  }

  void rearm() override { new DownloadCall(ctx_); }

  void on_opened(const Status& status) {
    if (!status.ok()) {
      finish({Code::data_loss, "the file is no longer stored on the server"});
      return;
    }
    if (file_->size() != info_.size) {
      finish({Code::data_loss, "the stored file does not have the size it was published with"});
      return;
    }
    state_ = State::streaming;
    v1::DownloadResponse first;
    to_proto(info_, first.mutable_info());
    write(first);
    read_ahead();
  }

  void read_ahead() {
    if (read_in_flight_ || eof_ || state_ != State::streaming || ready_.size() >= kReadAhead) {
      return;
    }
    read_in_flight_ = true;
    // One pool task reads a block of chunks: each round trip to the pool and back costs two
    // thread wake-ups, which would otherwise bound the rate at one chunk per pair.
    run_on_pool([file = file_, size = ctx_.config.limits.chunk_size] {
      Result<std::vector<std::string>> block = std::vector<std::string>{};
      for (std::size_t i = 0; i < kChunksPerRead; ++i) {
        auto chunk = file->read(size);
        if (!chunk.ok()) {
          block = chunk.status();
          break;
        }
        const bool last = chunk->size() < size;
        if (!chunk->empty()) block->push_back(std::move(*chunk));
        if (last) break;
      }
      return block;
    }, [this](Result<std::vector<std::string>> block) {
      read_in_flight_ = false;
      if (state_ == State::streaming) on_block(std::move(block));
      return !done();
    });
  }

  // An empty block means the end of the file.
  void on_block(Result<std::vector<std::string>> block) {
    if (!block.ok()) {
      finish(block.status());
      return;
    }
    if (block->size() < kChunksPerRead) eof_ = true;
    for (auto& chunk : *block) {
      read_bytes_ += chunk.size();
      ready_.push_back(std::move(chunk));
    }
    pump();
    read_ahead();
  }

  void pump() {
    if (write_in_flight_ || state_ != State::streaming) return;
    if (!ready_.empty()) {
      v1::DownloadResponse message;
      ctx_.metrics.bytes_downloaded.add(ready_.front().size());
      message.set_chunk(std::move(ready_.front()));
      ready_.pop_front();
      write(message);
      return;
    }
    if (eof_) {
      if (read_bytes_ != info_.size) {
        finish({Code::data_loss, "the stored file changed while it was being sent"});
        return;
      }
      log::info("user {} at {} downloaded {} ({})", nickname_, peer(), info_.name,
                util::human_bytes(info_.size));
      finish({});
    }
  }

  void write(const v1::DownloadResponse& message) {
    write_in_flight_ = true;
    writer_.Write(message, write_op_.arm());
  }

  bool on_write(bool ok) {
    write_in_flight_ = false;
    if (!ok) {
      // The client went away; the done tag follows.
      state_ = State::finished;
      return !done();
    }
    pump();
    read_ahead();
    return !done();
  }

  void finish(const Status& status) {
    state_ = State::finishing;
    writer_.Finish(to_grpc(status), finish_op_.arm());
  }

  bool on_finish(bool /*ok*/) {
    state_ = State::finished;
    return !done();
  }

  bool on_done(bool /*cancelled*/) override {
    if (state_ == State::opening || state_ == State::streaming) {
      // Only a cancelled call is done before its Finish: nothing more will be written.
      log::info("download of {} by {} at {} cancelled", info_.name, nickname_, peer());
      state_ = State::finished;
    }
    return false;
  }

  v1::DownloadRequest request_;
  grpc::ServerAsyncWriter<v1::DownloadResponse> writer_;
  Op<DownloadCall, &DownloadCall::on_write> write_op_{this};
  Op<DownloadCall, &DownloadCall::on_finish> finish_op_{this};

  State state_ = State::authorizing;
  std::string nickname_;
  FileInfo info_;
  std::shared_ptr<util::FileReader> file_;
  std::deque<std::string> ready_;
  std::uint64_t read_bytes_ = 0;
  bool read_in_flight_ = false;
  bool write_in_flight_ = false;
  bool eof_ = false;
};

}  // namespace

void arm_download(ServiceContext& ctx) { new DownloadCall(ctx); }

}  // namespace chatcore::transport
