// The store's reads as plain functions of a connection: the async operations, load() and the
// tests all run the same code. They throw SQLite::Exception on a database error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/connection.h"
#include "store/store.h"

namespace chatcore::store {

struct RoomRef {
  std::uint64_t epoch = 0;
  std::string name;  // as stored, whatever case the caller used
};
std::optional<RoomRef> find_room(Connection& c, const std::string& name);

std::vector<StoredRoom> read_rooms(Connection& c);
Result<std::vector<StoredMessage>> read_history(Connection& c, const std::string& room,
                                                std::uint64_t before_id, std::size_t limit);
Result<std::vector<StoredMessage>> read_since(Connection& c, const std::string& room,
                                              std::uint64_t after_id, std::size_t limit);
std::vector<StoredDirect> read_directs_since(Connection& c, std::uint64_t identity,
                                             std::uint64_t after_id, std::size_t limit);
// The sanctions still in force, the room creators, the topic locks and the MOTD
// (sqlite_moderation.cc).
void read_moderation(Connection& c, Snapshot& s);
Snapshot read_snapshot(Connection& c, std::size_t recent_per_room);

}  // namespace chatcore::store
