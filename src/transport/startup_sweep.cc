#include "transport/startup_sweep.h"

#include <chrono>
#include <filesystem>
#include <set>
#include <string>

#include "transport/context.h"
#include "transport/partial_uploads.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {

namespace fs = std::filesystem;

// A stored file is named by its id: 32 lowercase hex digits (hub.new_file_id).
bool is_file_id(std::string_view name) {
  if (name.size() != 32) return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

struct Removed {
  std::size_t count = 0;
  std::uint64_t bytes = 0;
};

void remove_entry(const fs::directory_entry& entry, Removed& removed, std::string_view what) {
  std::error_code ec;
  const std::uint64_t bytes = entry.is_regular_file(ec) ? entry.file_size(ec) : 0;
  log::debug("start-up: removing {} {} ({})", what, util::escape(entry.path().filename().string()),
             util::human_bytes(bytes));
  if (fs::remove_all(entry.path(), ec) == 0 || ec) {
    log::warn("start-up: cannot remove {}: {}", entry.path().string(), ec.message());
    return;
  }
  ++removed.count;
  removed.bytes += bytes;
}

Status make_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (!ec) return {};
  return Status(Code::failed_precondition,
                fmt::format("cannot create {}: {}", dir.string(), ec.message()));
}

// Takes up the stored interrupted uploads that are still in time and whose part is on disk;
// the others leave the store. Returns the kept parts' file ids and adds their bytes to `kept`.
std::set<std::string> resume_stored(ServiceContext& ctx,
                                    const std::vector<store::StoredUpload>& uploads,
                                    std::uint64_t& kept) {
  std::set<std::string> ids;
  const auto now = std::chrono::system_clock::now();
  for (const auto& u : uploads) {
    const auto updated =
        std::chrono::system_clock::time_point(std::chrono::milliseconds(u.updated_ms));
    std::error_code ec;
    const auto on_disk = fs::file_size(ctx.partial_path(u.file_id), ec);
    if (now - updated >= ctx.config.resume_keep || ec || on_disk < u.received) {
      unstore_upload(ctx, u.key);
      continue;
    }
    ctx.resumable.put(resumable_of(u));
    ids.insert(u.file_id);
    kept += u.received;
  }
  return ids;
}

}  // namespace

Status sweep_storage(ServiceContext& ctx, const std::vector<store::StoredUpload>& uploads) {
  const fs::path& dir = ctx.config.storage_dir;
  if (auto made = make_dir(dir); !made.ok()) return made;
  if (auto made = make_dir(ctx.partial_dir()); !made.ok()) return made;

  std::uint64_t kept_bytes = 0;
  const auto kept = resume_stored(ctx, uploads, kept_bytes);
  Removed partials;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(ctx.partial_dir(), ec)) {
    if (!kept.contains(entry.path().filename().string())) {
      remove_entry(entry, partials, "interrupted upload");
    }
  }
  Removed unknown;
  std::uint64_t live_bytes = 0;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const auto name = entry.path().filename().string();
    if (is_file_id(name)) {
      if (ctx.hub.has_file(name)) {
        live_bytes += entry.file_size(ec);
      } else {
        remove_entry(entry, unknown, "file unknown to the registry");
      }
    } else if (name.size() == 37 && name.ends_with(".part") && is_file_id(name.substr(0, 32))) {
      // An upload's temporary file, where the file system has no unnamed files.
      remove_entry(entry, partials, "temporary upload file");
    }
  }
  ctx.storage.set_stored(live_bytes + kept_bytes);
  if (unknown.count + partials.count > 0) {
    log::info("start-up removed {} file(s) the registry does not know ({}) and {} partial "
              "upload(s) ({}) from {}",
              unknown.count, util::human_bytes(unknown.bytes), partials.count,
              util::human_bytes(partials.bytes), dir.string());
  }
  if (!kept.empty()) {
    log::info("{} interrupted upload(s) ({}) kept for resuming", kept.size(),
              util::human_bytes(kept_bytes));
  }
  return {};
}

}  // namespace chatcore::transport
