#include "transport/partial_uploads.h"

#include <boost/asio/post.hpp>

#include <chrono>
#include <string>

#include "model/hub_state.h"
#include "util/log.h"

namespace chatcore::transport {

Status open_partial(util::FileWriter& file, util::Sha256& sha, const std::filesystem::path& path,
                    std::uint64_t offset) {
  if (auto opened = file.open_at(path, offset); !opened.ok()) return opened;
  if (offset == 0) return {};
  util::FileReader reader;
  if (!reader.open(path).ok()) {
    return Status(Code::data_loss, "the server no longer holds that part of the upload");
  }
  std::string block(1 << 20, '\0');
  for (std::uint64_t left = offset; left > 0;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), left));
    auto n = reader.read_into(block.data(), want);
    if (!n.ok() || *n != want) {
      return Status(Code::data_loss, "the server no longer holds that part of the upload");
    }
    sha.update(std::string_view(block.data(), want));
    left -= want;
  }
  return {};
}

std::string identity_owner(std::uint64_t identity) { return fmt::format("identity {}", identity); }

std::string resumable_owner(const ServiceContext& ctx, model::SessionId session) {
  // By identity, so that the same user continues after a restart whatever its nickname; a
  // nickname holds no space, so a guest never reads as an identity.
  if (const auto identity = ctx.hub.identity(session); identity != 0) {
    return identity_owner(identity);
  }
  return "guest " + model::fold_case(ctx.hub.nickname(session));
}

void remove_partial(ServiceContext& ctx, const std::string& file_id) {
  boost::asio::post(ctx.io_pool, [path = ctx.partial_path(file_id)] { util::remove_quietly(path); });
}

namespace {
// The store keeps wall-clock times; ResumableUploads measures on the steady clock.
std::int64_t unix_ms_of(std::chrono::steady_clock::time_point t) {
  const auto age = std::chrono::steady_clock::now() - t;
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             (std::chrono::system_clock::now() - age).time_since_epoch())
      .count();
}

void unstore(ServiceContext& ctx, const ResumableUpload& upload) {
  if (upload.stored) unstore_upload(ctx, upload.key);
}
}  // namespace

void unstore_upload(ServiceContext& ctx, const std::string& key) {
  if (!ctx.store) return;
  ctx.store->remove_upload(key, [key](Result<bool> r) {
    if (!r.ok()) log::error("store: removing upload {} failed: {}", key, r.status().to_string());
  });
}

ResumableUpload resumable_of(const store::StoredUpload& u) {
  const auto age = std::chrono::system_clock::now() -
                   std::chrono::system_clock::time_point(std::chrono::milliseconds(u.updated_ms));
  return {.key = u.key,
          .owner = identity_owner(u.identity),
          .identity = u.identity,
          .file_id = u.file_id,
          .name = u.name,
          .size = u.size,
          .sha256 = u.sha256,
          .room = u.room,
          .recipient = u.recipient,
          .received = u.received,
          .updated = std::chrono::steady_clock::now() -
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(age),
          .running = false,
          .stored = true};
}

void save_resumable(ServiceContext& ctx, ResumableUpload& upload) {
  if (upload.identity == 0 || !ctx.store) return;
  upload.stored = true;
  ctx.store->put_upload(
      store::StoredUpload{.key = upload.key,
                          .identity = upload.identity,
                          .file_id = upload.file_id,
                          .name = upload.name,
                          .size = upload.size,
                          .sha256 = upload.sha256,
                          .room = upload.room,
                          .recipient = upload.recipient,
                          .received = upload.received,
                          .updated_ms = unix_ms_of(upload.updated)},
      [key = upload.key](Result<bool> r) {
        if (!r.ok()) log::error("store: saving upload {} failed: {}", key, r.status().to_string());
      });
}

void forget_resumable(ServiceContext& ctx, const std::string& key, bool published) {
  const ResumableUpload* held = ctx.resumable.get(key);
  if (held == nullptr) return;
  unstore(ctx, *held);
  if (!published) {
    ctx.storage.freed(held->received);
    remove_partial(ctx, held->file_id);
  }
  ctx.resumable.remove(key);
}

void expire_resumable(ServiceContext& ctx) {
  for (const auto& gone : ctx.resumable.expire(std::chrono::steady_clock::now())) {
    log::info("interrupted upload {} not continued for {} min; removed", gone.file_id,
              ctx.config.resume_keep.count());
    unstore(ctx, gone);
    ctx.storage.freed(gone.received);
    remove_partial(ctx, gone.file_id);
  }
}

}  // namespace chatcore::transport
