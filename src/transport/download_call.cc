// DownloadCall: the CallData of the server-streaming Download RPC. The pool reads chunks a
// few ahead of the stream, as far as the call's share of the transfer-memory budget allows;
// the loop writes them one at a time. The file is never loaded whole into memory. In a
// cluster, a file another node stores is streamed from that node's FetchFile instead, one
// chunk in flight each way (download_proxy below).
#include <algorithm>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "cluster/cluster_node.h"
#include "transport/call_base.h"
#include "transport/cluster_files.h"
#include "transport/convert.h"
#include "transport/peer_fetch.h"
#include "transport/raw_message.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {

// Chunks one disk task reads at most; how many may wait for the stream is the call's share of
// the transfer-memory budget.
constexpr std::size_t kChunksPerRead = 16;
// Chunks a download reads ahead while the transfer-memory budget has room (2 MiB at the
// default chunk size).
constexpr std::size_t kReadAheadChunks = 32;

class DownloadCall final : public CallBase {
 public:
  explicit DownloadCall(ServiceContext& ctx)
      : CallBase(ctx, "Download", true), writer_(&server_ctx_) {
    ctx_.service.RequestDownload(&server_ctx_, &raw_request_, &writer_, ctx_.cq.get(), ctx_.cq.get(),
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
    if (auto parsed = parse_message(raw_request_, request_); !parsed.ok()) {
      finish(parsed);
      return true;
    }
    auto session = authorize(request_.session(), false);
    if (!session.ok()) {
      finish(session.status());
      return true;
    }
    nickname_ = ctx_.hub.nickname(*session);
    if (auto slot = ctx_.transfers.acquire(*session, slot_); !slot.ok()) {
      finish(slot);
      return true;
    }
    auto info = ctx_.hub.authorize_download(*session, request_.file_id());
    if (!info.ok()) {
      log::info("download of {} by {} at {} refused: {}", util::escape(request_.file_id()),
                nickname_, peer(), info.status().message);
      finish(info.status());
      return true;
    }
    info_ = std::move(*info);
    memory_ = ctx_.transfer_memory.join(kReadAheadChunks);
    state_ = State::opening;
    last_progress_ = std::chrono::steady_clock::now();
    start_timer(ctx_.config.transfer_idle);
    file_ = std::make_shared<util::FileReader>();
    if (request_.offset() > info_.size) {
      finish({Code::invalid_argument,
              fmt::format("offset {} is past the end of the file's {} bytes", request_.offset(),
                          info_.size)});
      return true;
    }
    if (ctx_.cluster_files) {
      if (auto node = ctx_.hub.file_node(info_.id); !ctx_.cluster_files->is_local(node)) {
        find_owner(std::move(node));
        return true;
      }
    }
    run_on_pool([file = file_, path = ctx_.file_path(info_.id), offset = request_.offset()] {
                  if (Status opened = file->open(path); !opened.ok() || offset == 0) return opened;
                  return file->seek(offset);
                },
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
    read_bytes_ = request_.offset();
    if (read_bytes_ > 0) {
      log::info("download of {} by {} at {} resumed at {} of {} bytes",
                util::escape(info_.name), nickname_, peer(), read_bytes_, info_.size);
    }
    v1::DownloadResponse first;
    to_proto(info_, first.mutable_info());
    write(first);
    read_ahead();
  }

  void read_ahead() {
    if (fetch_) return read_from_owner();
    if (read_in_flight_ || eof_ || state_ != State::streaming) return;
    const std::size_t size = ctx_.config.limits.chunk_size;
    // With many downloads open the share shrinks: this one waits for its writes to give
    // memory back instead of reading further.
    const std::size_t chunks =
        static_cast<std::size_t>(std::min<std::uint64_t>(kChunksPerRead, memory_.room() / size));
    if (chunks == 0) return;
    read_in_flight_ = true;
    reading_ = std::uint64_t{chunks} * size;
    memory_.take(reading_);
    // One pool task reads a block of chunks: each round trip to the pool and back costs two
    // thread wake-ups, which would otherwise bound the rate at one chunk per pair.
    run_on_pool([file = file_, size, chunks] {
      Result<std::vector<std::string>> block = std::vector<std::string>{};
      for (std::size_t i = 0; i < chunks; ++i) {
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
    }, [this, chunks](Result<std::vector<std::string>> block) {
      read_in_flight_ = false;
      memory_.give(std::exchange(reading_, 0));
      if (state_ == State::streaming) on_block(std::move(block), chunks);
      return !done();
    });
  }

  // A block shorter than asked for means the end of the file.
  void on_block(Result<std::vector<std::string>> block, std::size_t asked) {
    if (!block.ok()) {
      finish(block.status());
      return;
    }
    if (block->size() < asked) eof_ = true;
    for (auto& chunk : *block) {
      read_bytes_ += chunk.size();
      memory_.take(chunk.size());
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
      writing_ = ready_.front().size();  // held by gRPC until the write completes
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
    writer_.Write(to_buffer(message), write_op_.arm());
  }

  bool on_write(bool ok) {
    write_in_flight_ = false;
    memory_.give(std::exchange(writing_, 0));
    last_progress_ = std::chrono::steady_clock::now();
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
    stop_fetch();
    state_ = State::finishing;
    slot_.reset();  // the client may start the next transfer as soon as it has the status
    ready_.clear();
    memory_.reset();
    writer_.Finish(to_grpc(status), finish_op_.arm());
  }

  bool on_finish(bool /*ok*/) {
    state_ = State::finished;
    return !done();
  }

  // A client that stops reading must not pin the read-ahead (up to 2 MiB) for as long as it
  // keeps the stream open. Its flow-control window is full, so a status would never reach it:
  // the call is cancelled.
  bool on_timer(bool fired) override {
    if (!fired || (state_ != State::opening && state_ != State::streaming)) return !done();
    if (!stalled_since(last_progress_)) return !done();
    log::info("download of {} by {} at {} cancelled: no progress for {} s", info_.name,
              nickname_, peer(),
              std::chrono::duration_cast<std::chrono::seconds>(ctx_.config.transfer_idle).count());
    state_ = State::finished;
    ready_.clear();
    memory_.reset();
    stop_fetch();
    server_ctx_.TryCancel();
    return !done();
  }

  bool on_done(bool /*cancelled*/) override {
    if (state_ == State::opening || state_ == State::streaming) {
      // Only a cancelled call is done before its Finish: nothing more will be written.
      log::info("download of {} by {} at {} cancelled", info_.name, nickname_, peer());
      state_ = State::finished;
    }
    stop_fetch();
    ready_.clear();
    memory_.reset();
    return false;
  }

  // download_proxy: a file another node of the cluster stores.
  static constexpr const char* kOwnerOffline = "the node that stores this file is offline";

  // The registry lookup blocks (a JetStream round trip): on the pool, never the loop.
  void find_owner(std::string node) {
    owner_ = std::move(node);
    if (!ctx_.cluster_files->has_secret()) {
      finish({Code::unavailable,
              fmt::format("the file is stored on node {}, and this node has no cluster secret "
                          "to fetch it with", util::escape(owner_))});
      return;
    }
    run_on_pool([cluster = &ctx_.cluster_files->node(), node = owner_] {
                  return cluster->node_address(node);
                },
                [this](Result<std::string> address) {
                  if (state_ == State::opening) fetch_from(address);
                  return !done();
                });
  }

  void fetch_from(const Result<std::string>& address) {
    if (!address.ok()) {
      log::warn("download of {} by {} at {}: node {} is not reachable: {}",
                util::escape(info_.name), nickname_, peer(), util::escape(owner_),
                address.status().message);
      finish({Code::unavailable, kOwnerOffline});
      return;
    }
    auto& files = *ctx_.cluster_files;
    fetch_ = std::make_unique<PeerFetch>(files.stub(*address), ctx_.cq.get(), files.secret(),
                                         info_.id, request_.offset(),
                                         later([this](bool) { return !done(); }));
    read_bytes_ = request_.offset();
    read_from_owner();
  }

  // The next chunk only once the one before left ready_ for the stream: one in flight each way.
  void read_from_owner() {
    if (read_in_flight_ || eof_ || fetch_->finishing() || !ready_.empty()) return;
    if (state_ != State::opening && state_ != State::streaming) return;
    read_in_flight_ = true;
    fetch_->read(later([this](bool ok) {
      read_in_flight_ = false;
      if (ok && (state_ == State::opening || state_ == State::streaming)) {
        on_owner_chunk(fetch_->take_chunk());
      } else {
        if (ok) fetch_->cancel();  // nobody wants the rest
        end_fetch();
      }
      return !done();
    }));
  }

  void on_owner_chunk(std::string chunk) {
    read_bytes_ += chunk.size();
    if (read_bytes_ > info_.size) {
      finish({Code::data_loss, "the node that stores this file sent more than its size"});
      return;
    }
    memory_.take(chunk.size());
    ready_.push_back(std::move(chunk));
    owner_answered();
  }

  // The file's description goes first, once the owning node has answered.
  void owner_answered() {
    if (state_ != State::opening) return pump();
    state_ = State::streaming;
    if (request_.offset() > 0) {
      log::info("download of {} by {} at {} resumed at {} of {} bytes from node {}",
                util::escape(info_.name), nickname_, peer(), request_.offset(), info_.size,
                util::escape(owner_));
    }
    v1::DownloadResponse first;
    to_proto(info_, first.mutable_info());
    write(first);
  }

  // The fetch ends with the download: a read in flight comes back false and finishes it.
  void stop_fetch() {
    if (!fetch_ || fetch_->finishing()) return;
    fetch_->cancel();
    if (!read_in_flight_) end_fetch();
  }

  void end_fetch() {
    fetch_->finish(later([this](const grpc::Status& status) {
      if (state_ != State::opening && state_ != State::streaming) return !done();
      if (status.ok()) {
        eof_ = true;
        owner_answered();
        return !done();
      }
      log::warn("download of {} by {} at {}: node {} answered {}", util::escape(info_.name),
                nickname_, peer(), util::escape(owner_), util::escape(status.error_message()));
      const bool gone = status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                        status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
      finish({Code::unavailable,
              gone ? kOwnerOffline
                   : "the node that stores this file refused to send it; see its log"});
      return !done();
    }));
  }

  grpc::ByteBuffer raw_request_;
  v1::DownloadRequest request_;
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_;
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
  std::chrono::steady_clock::time_point last_progress_;
  TransferSlots::Slot slot_;  // freed with the call
  TransferMemory::Share memory_;  // ready_, the block being read and the chunk being written
  std::uint64_t reading_ = 0;
  std::uint64_t writing_ = 0;
  std::string owner_;                 // the node that stores the file, when not this one
  std::unique_ptr<PeerFetch> fetch_;  // the stream from it
};

}  // namespace

void arm_download(ServiceContext& ctx) { new DownloadCall(ctx); }

}  // namespace chatcore::transport
