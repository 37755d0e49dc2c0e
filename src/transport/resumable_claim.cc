#include "transport/resumable_claim.h"

#include <utility>

#include "transport/partial_uploads.h"
#include "util/escape.h"
#include "util/log.h"

namespace chatcore::transport {

Status ResumableClaim::begin(ServiceContext& ctx, model::SessionId session,
                             const v1::UploadMeta& meta, std::string_view who,
                             std::string& file_id, std::uint64_t& received) {
  key_ = meta.upload_key();
  if (auto key = ResumableUploads::check_key(key_); !key.ok()) return key;
  if (meta.sha256().empty()) {
    return {Code::invalid_argument, "a resumable upload must give the file's sha256"};
  }
  expire_resumable(ctx);
  owner_ = resumable_owner(ctx, session);
  identity_ = ctx.hub.identity(session);
  ResumableUpload* held = ctx.resumable.find(key_, owner_);
  if (held != nullptr && held->running) {
    return {Code::failed_precondition,
            "that upload is still running on the server; try again once it has ended"};
  }
  if (meta.offset() > 0) {
    if (held == nullptr) {
      return {Code::not_found,
              "the server holds no upload under that upload_key; start again at offset 0"};
    }
    if (held->name != meta.name() || held->size != meta.size() ||
        held->sha256 != meta.sha256() || held->room != meta.room() ||
        held->recipient != meta.recipient()) {
      return {Code::invalid_argument,
              "a resumed upload must have the name, size, sha256 and destination of its "
              "first attempt"};
    }
    if (held->received != meta.offset()) {
      return {Code::failed_precondition,
              fmt::format("the server holds {} bytes of that upload, not {}; ask UploadStatus",
                          held->received, meta.offset())};
    }
    log::info("upload by {} of {} resumed at {} of {} bytes", who, util::escape(meta.name()),
              held->received, held->size);
    held->running = true;
    claimed_ = true;
    file_id = held->file_id;
    received = held->received;
    return {};
  }
  if (held != nullptr) {
    // A fresh start under a known key replaces what the server held.
    forget_resumable(ctx, key_);
  } else if (ctx.resumable.taken(key_)) {
    return {Code::already_exists, "that upload_key is in use; choose another"};
  }
  file_id = ctx.hub.new_file_id();
  ctx.resumable.put({.key = key_,
                     .owner = owner_,
                     .identity = identity_,
                     .file_id = file_id,
                     .name = meta.name(),
                     .size = meta.size(),
                     .sha256 = meta.sha256(),
                     .room = meta.room(),
                     .recipient = meta.recipient(),
                     .received = 0,
                     .updated = std::chrono::steady_clock::now(),
                     .running = true,
                     .stored = false});
  claimed_ = true;
  return {};
}

bool ResumableClaim::checkpoint_due() {
  if (!claimed_ || identity_ == 0) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_checkpoint_ < kCheckpointEvery) return false;
  last_checkpoint_ = now;
  return true;
}

void ResumableClaim::checkpoint(ServiceContext& ctx, std::uint64_t synced) {
  ResumableUpload* held = ctx.resumable.find(key_, owner_);
  if (!claimed_ || held == nullptr) return;
  ResumableUpload progress = *held;
  progress.received = synced;
  progress.updated = std::chrono::steady_clock::now();
  save_resumable(ctx, progress);
  held->stored = progress.stored;
}

void ResumableClaim::published(ServiceContext& ctx) {
  if (std::exchange(claimed_, false)) forget_resumable(ctx, key_, true);
}

void ResumableClaim::settle(ServiceContext& ctx, const std::uint64_t* kept, bool opened,
                            Code error, std::string_view who) {
  if (!std::exchange(claimed_, false)) return;
  ResumableUpload* held = ctx.resumable.find(key_, owner_);
  if (held == nullptr) return;
  held->running = false;
  held->updated = std::chrono::steady_clock::now();
  if (kept != nullptr) {
    // The kept part counts against the quota until it is continued, published or expired.
    ctx.storage.freed(held->received);
    held->received = *kept;
    ctx.storage.added(held->received);
    save_resumable(ctx, *held);
    log::info("upload by {} of {} kept for resuming at {} of {} bytes", who,
              util::escape(held->name), held->received, held->size);
  } else if (!opened && held->received > 0 && error != Code::data_loss) {
    // A resume refused before it touched the partial file: that stays as it was.
  } else {
    forget_resumable(ctx, key_);
  }
}

}  // namespace chatcore::transport
