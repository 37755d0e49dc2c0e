// UploadCall: the CallData of the client-streaming Upload RPC. Chunks are read from the
// stream on the loop thread; on the disk pool one task at a time writes them and, in parallel,
// another hashes them (each batch is shared by both), while the next read is in flight. The file is written under a
// no name (O_TMPFILE) and linked into place only when everything checked out: a failure, even
// one gRPC reports to the client by itself, leaves no partial file behind.
#include <algorithm>
#include <deque>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "transport/call_base.h"
#include "transport/convert.h"
#include "transport/partial_uploads.h"
#include "transport/raw_message.h"
#include "transport/resumable_claim.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {

// Chunks received but not yet on disk, or on disk but not yet hashed; past this, or past the
// call's share of the transfer-memory budget, the call stops reading (backpressure).
constexpr std::size_t kMaxQueuedChunks = 64;

using Batch = std::shared_ptr<const std::vector<std::string>>;

bool is_sha256_hex(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

class UploadCall final : public CallBase {
 public:
  explicit UploadCall(ServiceContext& ctx) : CallBase(ctx, "Upload", true), reader_(&server_ctx_) {
    ctx_.service.RequestUpload(&server_ctx_, &reader_, ctx_.cq.get(), ctx_.cq.get(),
                               request_tag());
  }

 private:
  enum class State {
    meta,       // waiting for the metadata message
    receiving,  // chunks flow to disk
    storing,    // all bytes on disk; closing, checking and renaming on the pool
    publishing,  // stored; the registry commits its record before anyone hears of it
    failing,    // removing the partial file before telling the client
    finishing,  // Finish issued
    finished,   // Finish completed
  };

  bool on_started() override {
    progressed();
    start_timer(ctx_.config.transfer_idle);
    read_next();
    return true;
  }

  void progressed() { last_progress_ = std::chrono::steady_clock::now(); }

  // The uploader, for log lines.
  std::string who() const { return fmt::format("{} at {}", nickname_, peer()); }

  // A client that stops sending must not hold its disk reservation for as long as it keeps
  // the stream open.
  bool on_timer(bool fired) override {
    if (!fired || (state_ != State::meta && state_ != State::receiving)) return !done();
    if (!stalled_since(last_progress_)) return !done();
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(ctx_.config.transfer_idle).count();
    fail({Code::deadline_exceeded,
          fmt::format("the upload made no progress for {} s after {} of {} bytes; cancelled",
                      seconds, received_, declared_)});
    return !done();
  }

  void rearm() override { new UploadCall(ctx_); }

  void read_next() {
    read_in_flight_ = true;
    // gRPC fills raw_message_ with up to one chunk.
    reading_ = ctx_.config.limits.chunk_size;
    memory_.take(reading_);
    raw_message_.Clear();
    reader_.Read(&raw_message_, read_op_.arm());
  }

  bool on_read(bool ok) {
    read_in_flight_ = false;
    memory_.give(std::exchange(reading_, 0));
    if (ok) progressed();
    if (state_ == State::meta || state_ == State::receiving) take(ok);
    return !done();
  }

  void take(bool ok) {
    if (!ok) {
      // The client half-closed (or went away: the done tag tells which), or the server's
      // shutdown cancelled the call, which is no fault of the client's.
      if (ctx_.calls.shutting_down()) {
        cancelled_by_shutdown();
      } else if (state_ == State::meta) {
        fail({Code::invalid_argument, "the upload ended before its metadata"});
      } else if (received_ != declared_) {
        // A client that went away looks the same until the done tag: a resumable upload
        // keeps what it has either way.
        cut_off_ = true;
        fail({Code::invalid_argument,
              fmt::format("the upload ended after {} of the {} bytes declared", received_,
                          declared_)});
      } else {
        eof_ = true;
        maybe_store();
      }
      return;
    }
    message_.Clear();
    if (auto parsed = parse_message(raw_message_, message_); !parsed.ok()) {
      fail(parsed);
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
    // gRPC's own limit leaves 64 KiB of room for framing; the protocol promises chunk_size.
    if (chunk->size() > ctx_.config.limits.chunk_size) {
      fail({Code::invalid_argument,
            fmt::format("a chunk is {} bytes; the limit is {} bytes", chunk->size(),
                        ctx_.config.limits.chunk_size)});
      return;
    }
    received_ += chunk->size();
    memory_.take(chunk->size());
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
        chunks_.size() < kMaxQueuedChunks && unhashed_chunks_ < kMaxQueuedChunks &&
        memory_.room() > 0) {
      read_next();
    }
  }

  void start(v1::UploadRequest& request) {
    if (!request.has_meta()) {
      fail({Code::invalid_argument, "the first message of an upload must be its metadata"});
      return;
    }
    const auto& meta = request.meta();
    auto session = authorize(meta.session(), false);
    if (!session.ok()) {
      if (const auto id = ctx_.hub.find(meta.session()); id != 0) nickname_ = ctx_.hub.nickname(id);
      fail(session.status());
      return;
    }
    session_ = *session;
    nickname_ = ctx_.hub.nickname(session_);
    if (auto slot = ctx_.transfers.acquire(session_, slot_); !slot.ok()) {
      fail(slot);
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
    if (!meta.upload_key().empty() || meta.offset() != 0) {
      if (auto resumable = resumable_.begin(ctx_, session_, meta, who(), file_id_, received_);
          !resumable.ok()) {
        fail(resumable);
        return;
      }
    }
    // Uploads in flight count against the quota and free space from the start, not as they
    // grow; a resumed one's kept part counts already.
    const std::uint64_t in_flight = ctx_.storage.reserved();
    auto reservation = ctx_.storage.reserve(declared_ - received_);
    if (!reservation.ok()) {
      fail(reservation.status());
      return;
    }
    reservation_ = std::move(*reservation);
    if (file_id_.empty()) file_id_ = ctx_.hub.new_file_id();
    memory_ = ctx_.transfer_memory.join(2 * kMaxQueuedChunks);
    state_ = State::receiving;
    // Opening the file is the first disk task; chunks queue behind it.
    file_ = std::make_shared<util::FileWriter>();
    if (resumable_.claimed()) {
      on_disk([file = file_, sha = sha_, path = ctx_.partial_path(file_id_),
               dir = ctx_.config.storage_dir, needed = declared_ - received_, in_flight,
               offset = received_] {
        if (auto space = util::check_free_space(dir, needed, in_flight); !space.ok()) return space;
        return open_partial(*file, *sha, path, offset);
      });
    } else {
      on_disk([file = file_, path = ctx_.temp_path(file_id_), dir = ctx_.config.storage_dir,
               needed = declared_, in_flight] {
        if (auto space = util::check_free_space(dir, needed, in_flight); !space.ok()) return space;
        return file->open_unnamed(dir, path);
      });
    }
    read_next();
  }

  // Runs `task` on the disk pool, one task at a time, and its Status back in on_disk_done.
  template <class Task>
  void on_disk(Task task) {
    disk_in_flight_ = true;
    run_on_pool(std::move(task), [this](Status status) {
      disk_in_flight_ = false;
      on_disk_done(std::move(status));
      return !done();
    });
  }

  void write_queued() {
    if (disk_in_flight_ || chunks_.empty() || state_ != State::receiving) return;
    Batch batch = std::make_shared<const std::vector<std::string>>(
        std::make_move_iterator(chunks_.begin()), std::make_move_iterator(chunks_.end()));
    chunks_.clear();
    std::uint64_t bytes = 0;
    for (const auto& chunk : *batch) bytes += chunk.size();
    batch_bytes_.push_back(bytes);
    unhashed_.push_back(batch);
    unhashed_chunks_ += batch->size();
    hash_next();
    writing_batch_ = true;
    // An identity's resumable upload syncs and records its progress now and then, so that
    // even a crash of the server leaves it resumable from there.
    checkpoint_ = resumable_.checkpoint_due() ? std::make_shared<std::uint64_t>(0) : nullptr;
    on_disk([file = file_, batch, synced = checkpoint_] {
      for (const auto& chunk : *batch) {
        Status status = file->write_unhashed(chunk);
        if (!status.ok()) return status;
      }
      if (synced) {
        if (auto status = file->sync(); !status.ok()) return status;
        *synced = file->written();
      }
      return Status{};
    });
  }

  // The hash runs one batch at a time, in the order written, beside the write; a resumed
  // upload's first part is hashed by the open task, before any of it.
  void hash_next() {
    if (hash_in_flight_ || unhashed_.empty() || state_ != State::receiving || !opened_) return;
    hash_in_flight_ = true;
    Batch batch = std::move(unhashed_.front());
    unhashed_.pop_front();
    run_on_pool(
        [sha = sha_, batch] {
          for (const auto& chunk : *batch) sha->update(chunk);
          return batch->size();
        },
        [this](std::size_t hashed) {
          hash_in_flight_ = false;
          unhashed_chunks_ -= hashed;
          ++batches_hashed_;
          release_stored();
          hash_next();
          maybe_read();
          maybe_store();
          return !done();
        });
  }

  // A batch's memory goes back to the budget once it is both written and hashed.
  void release_stored() {
    while (!batch_bytes_.empty() && batches_released_ < std::min(batches_written_, batches_hashed_)) {
      memory_.give(batch_bytes_.front());
      batch_bytes_.pop_front();
      ++batches_released_;
    }
  }

  void on_disk_done(Status status) {
    progressed();  // backpressure waits on our disk, not on the client
    if (std::exchange(writing_batch_, false)) {
      ++batches_written_;
      release_stored();
    }
    switch (state_) {
      case State::receiving:
        if (!status.ok()) {
          fail(std::move(status));
          return;
        }
        if (!std::exchange(opened_, true)) hash_next();
        if (auto synced = std::exchange(checkpoint_, nullptr); synced && *synced > 0) {
          resumable_.checkpoint(ctx_, *synced);
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
      case State::publishing:
        return;
      case State::failing:
        finish_error(error_);
        return;
      case State::meta:
      case State::finishing:
      case State::finished:
        return;
    }
  }

  void maybe_store() {
    if (!eof_ || disk_in_flight_ || hash_in_flight_ || !chunks_.empty() || !unhashed_.empty() ||
        state_ != State::receiving) {
      return;
    }
    state_ = State::storing;
    disk_in_flight_ = true;
    run_on_pool(
        [file = file_, hasher = sha_,
         temp = resumable_.claimed() ? ctx_.partial_path(file_id_) : ctx_.temp_path(file_id_),
         final_path = ctx_.file_path(file_id_), expected = client_sha256_]() -> Result<std::string> {
          auto sha = hasher->hex();
          if (!expected.empty() && sha != expected) {
            util::remove_quietly(temp);
            return Status(Code::data_loss,
                          fmt::format("sha256 mismatch: you sent {}, the server received {}",
                                      util::escape(expected), sha));
          }
          if (auto linked = file->link_as(final_path); !linked.ok()) {
            util::remove_quietly(temp);
            return linked;
          }
          // The new name itself must survive a power cut before the client hears "stored".
          if (auto synced = util::sync_dir(final_path.parent_path()); !synced.ok()) {
            util::remove_quietly(final_path);
            return synced;
          }
          if (auto closed = file->close(); !closed.ok()) {
            util::remove_quietly(final_path);
            return closed.status();
          }
          return sha;
        },
        [this](Result<std::string> sha) {
          disk_in_flight_ = false;
          if (sha.ok()) sha256_ = std::move(*sha);
          on_disk_done(sha.status());
          return !done();
        });
  }

  void publish() {
    file_.reset();
    state_ = State::publishing;
    ctx_.hub.publish_file(session_, target_, file_id_, declared_, sha256_,
                          later([this](Result<FileInfo> info) {
                            published(std::move(info));
                            return !done();
                          }));
  }

  // The record is committed (or refused): only now the client hears of it.
  void published(Result<FileInfo> info) {
    if (!info.ok()) {
      error_ = info.status();
      ctx_.metrics.refused(error_.code);
      log::info("upload by {} at {} failed: {}", nickname_, peer(), error_.to_string());
      state_ = State::failing;
      on_disk([path = ctx_.file_path(file_id_)] {
        util::remove_quietly(path);
        return Status{};
      });
      return;
    }
    resumable_.published(ctx_);
    log::info("user {} at {} uploaded {} ({}) to {} as {}", nickname_, peer(), info->name,
              util::human_bytes(info->size),
              info->room.empty() ? "user " + info->recipient : "room " + info->room, info->id);
    reservation_.commit();
    v1::UploadResponse response;
    to_proto(*info, response.mutable_file());
    state_ = State::finishing;
    slot_.reset();
    memory_.reset();
    reader_.Finish(to_buffer(response), grpc::Status::OK, finish_op_.arm());
  }

  // Any failure: remember why, remove the partial file (after a disk task in flight), then
  // tell the client.
  void fail(Status status) {
    // While publishing, the commit's completion finishes the call either way.
    if (state_ == State::publishing || state_ == State::failing || state_ == State::finishing ||
        state_ == State::finished) {
      return;
    }
    if (status.code != Code::cancelled) {
      ctx_.metrics.refused(status.code);
      log::info("upload by {} at {} failed: {}", nickname_.empty() ? "?" : nickname_, peer(),
                status.to_string());
    }
    error_ = std::move(status);
    const State state_before = state_;
    chunks_.clear();
    unhashed_.clear();  // a hash task in flight still holds its batch
    memory_.reset();
    if (!file_) {
      finish_error(error_);
      return;
    }
    state_ = State::failing;
    std::function<Status()> cleanup;
    if (resumable_.claimed() && state_before != State::storing &&
        (cut_off_ || error_.code == Code::cancelled || error_.code == Code::deadline_exceeded)) {
      // Cut off: what is on disk stays for a resume, synced so that it is really there.
      kept_ = std::make_shared<std::uint64_t>(0);
      cleanup = [file = std::move(file_), kept = kept_]() mutable {
        if (file->sync().ok()) *kept = file->written();
        file.reset();
        return Status{};
      };
    } else {
      // The final name too: a failure can land while the pool is renaming.
      cleanup = [file = std::move(file_), temp = ctx_.temp_path(file_id_),
                 partial = resumable_.claimed() ? ctx_.partial_path(file_id_)
                                                : std::filesystem::path(),
                 final_path = ctx_.file_path(file_id_)]() mutable {
        file.reset();  // closes the descriptor
        util::remove_quietly(temp);
        if (!partial.empty()) util::remove_quietly(partial);
        util::remove_quietly(final_path);
        return Status{};
      };
    }
    if (disk_in_flight_) {
      // on_disk_done (state failing) finishes once this cleanup, queued behind it, is done.
      pending_cleanup_ = std::move(cleanup);
    } else {
      on_disk(std::move(cleanup));
    }
  }

  void finish_error(Status status) {
    if (pending_cleanup_) {
      on_disk(std::exchange(pending_cleanup_, {}));
      return;
    }
    resumable_.settle(ctx_, kept_.get(), opened_, error_.code, who());
    state_ = State::finishing;
    slot_.reset();  // the client may start the next transfer as soon as it has the status
    reader_.FinishWithError(to_grpc(status), finish_op_.arm());
  }

  bool on_finish(bool /*ok*/) {
    state_ = State::finished;
    reservation_.release();
    return !done();
  }

  bool on_done(bool cancelled) override {
    if (cancelled) {
      if (ctx_.calls.shutting_down()) {
        cancelled_by_shutdown();
      } else if (state_ == State::meta || state_ == State::receiving) {
        log::info("upload by {} at {} cancelled", nickname_.empty() ? "?" : nickname_, peer());
      }
      fail({Code::cancelled, "upload cancelled"});
    }
    return false;
  }

  void cancelled_by_shutdown() {
    if (state_ != State::meta && state_ != State::receiving) return;
    log::info("upload by {} at {} cancelled by server shutdown after {} of {} bytes",
              nickname_.empty() ? "?" : nickname_, peer(), received_, declared_);
    // Code cancelled: neither counted as a refusal nor logged a second time.
    fail({Code::cancelled, "the server is shutting down; the upload was cancelled"});
  }

  grpc::ServerAsyncReader<grpc::ByteBuffer, grpc::ByteBuffer> reader_;
  grpc::ByteBuffer raw_message_;
  v1::UploadRequest message_;
  Op<UploadCall, &UploadCall::on_read> read_op_{this};
  Op<UploadCall, &UploadCall::on_finish> finish_op_{this};

  State state_ = State::meta;
  std::string nickname_;
  model::SessionId session_ = 0;
  model::UploadTarget target_;
  std::string file_id_;
  std::string client_sha256_;
  std::string sha256_;
  std::chrono::steady_clock::time_point last_progress_;
  TransferSlots::Slot slot_;  // freed with the call
  // Chunks received and not yet both written and hashed, and the read in flight.
  TransferMemory::Share memory_;
  std::uint64_t reading_ = 0;
  std::deque<std::uint64_t> batch_bytes_;  // of each batch not yet released, in order
  std::uint64_t batches_written_ = 0;
  std::uint64_t batches_hashed_ = 0;
  std::uint64_t batches_released_ = 0;
  bool writing_batch_ = false;
  std::uint64_t declared_ = 0;
  std::uint64_t received_ = 0;
  Reservation reservation_;
  std::shared_ptr<util::FileWriter> file_;
  std::deque<std::string> chunks_;
  std::shared_ptr<util::Sha256> sha_ = std::make_shared<util::Sha256>();
  std::deque<Batch> unhashed_;  // written or being written, waiting for the hash
  std::size_t unhashed_chunks_ = 0;
  std::function<Status()> pending_cleanup_;
  Status error_;
  // Resumable uploads (an upload_key): this call holds the key's entry in ctx_.resumable.
  ResumableClaim resumable_;
  std::shared_ptr<std::uint64_t> checkpoint_;  // bytes synced by the write in flight
  bool cut_off_ = false;  // the stream ended short: the client stopped or went away
  std::shared_ptr<std::uint64_t> kept_;  // bytes left on disk for a resume, once cut off
  bool opened_ = false;  // the open task is done (a resume's first part hashed)
  bool read_in_flight_ = false;
  bool disk_in_flight_ = false;
  bool hash_in_flight_ = false;
  bool eof_ = false;
};

}  // namespace

void arm_upload(ServiceContext& ctx) { new UploadCall(ctx); }

}  // namespace chatcore::transport
