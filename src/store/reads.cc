#include "store/reads.h"

#include <algorithm>
#include <map>
#include <utility>

#include "store/rows.h"
#include "store/sql.h"

namespace chatcore::store {

namespace {
std::int64_t bound(std::size_t limit) {
  return static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX));
}
Status no_room() { return Status(Code::not_found, "no such room"); }
}  // namespace

std::optional<RoomRef> find_room(Connection& c, const std::string& name) {
  auto q = c.query(sql::kRoomEpoch);
  q->bind(1, name);
  if (!q->executeStep()) return std::nullopt;
  return RoomRef{.epoch = u64(*q, 0), .name = q->getColumn(1).getString()};
}

std::vector<StoredRoom> read_rooms(Connection& c) {
  auto q = c.query(sql::kRooms);
  std::vector<StoredRoom> out;
  while (q->executeStep()) out.push_back(read_room(*q));
  return out;
}

Result<std::vector<StoredMessage>> read_history(Connection& c, const std::string& room,
                                                std::uint64_t before_id, std::size_t limit) {
  const auto ref = find_room(c, room);
  if (!ref) return no_room();
  // Newest first to take the last `limit`, then turned oldest first.
  auto q = c.query(sql::kHistory);
  q->bind(1, i64(ref->epoch));
  q->bind(2, before_id == 0 ? INT64_MAX : i64(before_id));
  q->bind(3, bound(limit));
  std::vector<StoredMessage> out;
  while (q->executeStep()) out.push_back(read_message(*q, ref->name, ref->epoch));
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<StoredMessage>> read_since(Connection& c, const std::string& room,
                                              std::uint64_t after_id, std::size_t limit) {
  const auto ref = find_room(c, room);
  if (!ref) return no_room();
  auto q = c.query(sql::kSince);
  q->bind(1, i64(ref->epoch));
  q->bind(2, i64(after_id));
  q->bind(3, bound(limit));
  std::vector<StoredMessage> out;
  while (q->executeStep()) out.push_back(read_message(*q, ref->name, ref->epoch));
  return out;
}

std::vector<StoredDirect> read_directs_since(Connection& c, std::uint64_t identity,
                                             std::uint64_t after_id, std::size_t limit) {
  auto q = c.query(sql::kDirectsSince);
  q->bind(1, i64(identity));
  q->bind(2, i64(after_id));
  q->bind(3, bound(limit));
  std::vector<StoredDirect> out;
  while (q->executeStep()) out.push_back(read_direct(*q));
  return out;
}

Snapshot read_snapshot(Connection& c, std::size_t recent_per_room) {
  Snapshot s;
  {
    auto q = c.query(sql::kIdentities);
    while (q->executeStep()) s.identities.push_back(read_identity(*q));
  }
  s.rooms = read_rooms(c);
  {
    auto q = c.query(sql::kMembers);
    while (q->executeStep()) {
      s.members.push_back(StoredMember{.identity = u64(*q, 0),
                                       .room = q->getColumn(1).getString(),
                                       .joined_ms = q->getColumn(2).getInt64()});
    }
  }
  {
    std::map<std::string, std::size_t> by_id;
    auto q = c.query(sql::kFiles);
    while (q->executeStep()) {
      s.files.push_back(read_file(*q));
      by_id[s.files.back().id] = s.files.size() - 1;
    }
    auto allowed = c.query(sql::kAllowedAll);
    while (allowed->executeStep()) {
      auto it = by_id.find(allowed->getColumn(0).getString());
      if (it != by_id.end()) s.files[it->second].allowed.push_back(u64(*allowed, 1));
    }
    for (auto& f : s.files) std::sort(f.allowed.begin(), f.allowed.end());
  }
  {
    auto q = c.query(sql::kUploads);
    while (q->executeStep()) s.uploads.push_back(read_upload(*q));
  }
  if (recent_per_room > 0) {
    for (const auto& room : s.rooms) {
      const auto after = room.last_id > recent_per_room ? room.last_id - recent_per_room : 0;
      auto q = c.query(sql::kSince);
      q->bind(1, i64(room.epoch));
      q->bind(2, i64(after));
      q->bind(3, bound(recent_per_room));
      while (q->executeStep()) s.recent.push_back(read_message(*q, room.name, room.epoch));
    }
  }
  {
    auto q = c.query(sql::kLastDirectId);
    q->executeStep();
    s.last_direct_id = u64(*q, 0);
  }
  read_moderation(c, s);
  return s;
}

}  // namespace chatcore::store
