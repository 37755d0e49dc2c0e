#include "transport/context.h"

#include "transport/cluster_files.h"
#include "transport/dropped_files.h"
#include "transport/partial_uploads.h"

#include <algorithm>

namespace chatcore::transport {

namespace {
Config resolved(Config c) {
  c.storage_dir = files_dir(c);
  // Welcome tells clients the flood limit, so that they can pace a paste below it.
  c.limits.message_rate = c.message_rate.per_second;
  c.limits.message_burst =
      c.message_rate.per_second > 0 ? static_cast<std::uint32_t>(std::max(c.message_rate.burst, 1.0))
                                    : 0;
  return c;
}

store::Retention retention_of(const Config& c) {
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  store::Retention r;
  r.history_keep = c.history_keep;
  r.history_ms = c.history_days * kDayMs;
  r.nick_ms = c.nick_days * kDayMs;
  r.file_ms = c.file_days * kDayMs;
  // upload_ms stays 0: interrupted uploads expire by ResumableUploads (expire_resumable runs
  // after each prune), which also deletes their parts and frees their quota.
  return r;
}
}  // namespace

ServiceContext::ServiceContext(Config c)
    : config(resolved(std::move(c))),
      store_path(config.data_dir / "chatcore.db"),
      hub(model::HubConfig{.limits = config.limits,
                           .max_rooms = config.max_rooms,
                           .max_room_members = config.max_room_members,
                           .max_files_per_user = config.max_files_per_user,
                           .server_name = config.server_name,
                           .operators = config.operators}),
      io_pool(static_cast<std::size_t>(std::max(1, config.io_threads))),
      admission(config.message_rate, config.command_rate, config.max_sessions_per_peer),
      storage(config.storage_quota),
      transfers(config.max_transfers),
      transfer_memory(config.transfer_memory, config.limits.chunk_size),
      resumable(config.resume_keep),
      retention(hub, retention_of(config), [this] {
        delete_dropped_files(*this);
        expire_resumable(*this);
      }) {}

ServiceContext::~ServiceContext() = default;

}  // namespace chatcore::transport
