#include "transport/context.h"

#include <algorithm>

namespace chatcore::transport {

ServiceContext::ServiceContext(Config c)
    : config(std::move(c)),
      hub(model::HubConfig{.limits = config.limits,
                           .max_rooms = config.max_rooms,
                           .max_room_members = config.max_room_members,
                           .server_name = config.server_name}),
      io_pool(static_cast<std::size_t>(std::max(1, config.io_threads))),
      admission(config.message_rate, config.command_rate, config.max_sessions_per_peer),
      storage(config.storage_quota),
      transfers(config.max_transfers) {}

}  // namespace chatcore::transport
