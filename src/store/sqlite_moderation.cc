// SqliteStore's moderation state: who created each room, the bans and mutes in force, the
// rooms whose topic is locked, and the message of the day. Small tables read whole at start-up.
#include <chrono>
#include <utility>

#include "store/reads.h"
#include "store/rows.h"
#include "store/sqlite_store.h"

namespace chatcore::store {

namespace {
constexpr char kSetCreator[] =
    "INSERT OR REPLACE INTO room_creators(epoch, identity) VALUES(?, ?)";
constexpr char kPutSanction[] =
    "INSERT OR REPLACE INTO sanctions(kind, identity, room, until_ms, reason, by) "
    "VALUES(?, ?, ?, ?, ?, ?)";
constexpr char kRemoveSanction[] =
    "DELETE FROM sanctions WHERE kind = ? AND identity = ? AND room = ?";
constexpr char kSetMotd[] = "INSERT OR REPLACE INTO settings(key, value) VALUES('motd', ?)";
constexpr char kSanctions[] =
    "SELECT kind, identity, room, until_ms, reason, by FROM sanctions "
    "WHERE until_ms = 0 OR until_ms > ? ORDER BY kind, identity, room";
constexpr char kCreators[] =
    "SELECT rooms.name, room_creators.identity FROM room_creators "
    "JOIN rooms ON rooms.epoch = room_creators.epoch ORDER BY rooms.name";
constexpr char kMotd[] = "SELECT value FROM settings WHERE key = 'motd'";
constexpr char kLockTopic[] =
    "INSERT OR REPLACE INTO topic_locks(epoch, by, locked_ms) VALUES(?, ?, ?)";
constexpr char kUnlockTopic[] = "DELETE FROM topic_locks WHERE epoch = ?";
constexpr char kTopicLocks[] =
    "SELECT rooms.name FROM topic_locks JOIN rooms ON rooms.epoch = topic_locks.epoch "
    "ORDER BY rooms.name";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void read_moderation(Connection& c, Snapshot& s) {
  {
    auto q = c.query(kSanctions);
    q->bind(1, now_ms());
    while (q->executeStep()) {
      s.sanctions.push_back(StoredSanction{
          .kind = static_cast<SanctionKind>(q->getColumn(0).getInt()),
          .identity = u64(*q, 1),
          .room = q->getColumn(2).getString(),
          .until_ms = q->getColumn(3).getInt64(),
          .reason = q->getColumn(4).getString(),
          .by = q->getColumn(5).getString()});
    }
  }
  {
    auto q = c.query(kCreators);
    while (q->executeStep()) {
      s.creators.push_back(StoredCreator{.room = q->getColumn(0).getString(),
                                         .identity = u64(*q, 1)});
    }
  }
  {
    auto q = c.query(kTopicLocks);
    while (q->executeStep()) s.topic_locks.push_back(q->getColumn(0).getString());
  }
  auto q = c.query(kMotd);
  if (q->executeStep()) s.motd = q->getColumn(0).getString();
}

void SqliteStore::set_room_creator(std::string room, std::uint64_t identity, Done<bool> done) {
  submit<bool>(true, std::move(done), [room = std::move(room), identity](Connection& c)
                                          -> Result<bool> {
    const auto found = find_room(c, room);
    if (!found) return Status(Code::not_found, "no such room");
    auto q = c.query(kSetCreator);
    q->bind(1, i64(found->epoch));
    q->bind(2, i64(identity));
    q->exec();
    return true;
  });
}

void SqliteStore::put_sanction(StoredSanction sanction, Done<bool> done) {
  submit<bool>(true, std::move(done), [s = std::move(sanction)](Connection& c) -> Result<bool> {
    auto q = c.query(kPutSanction);
    q->bind(1, static_cast<int>(s.kind));
    q->bind(2, i64(s.identity));
    q->bind(3, s.room);
    q->bind(4, s.until_ms);
    q->bind(5, s.reason);
    q->bind(6, s.by);
    q->exec();
    return true;
  });
}

void SqliteStore::remove_sanction(SanctionKind kind, std::uint64_t identity, std::string room,
                                  Done<bool> done) {
  submit<bool>(true, std::move(done), [kind, identity, room = std::move(room)](Connection& c)
                                          -> Result<bool> {
    auto q = c.query(kRemoveSanction);
    q->bind(1, static_cast<int>(kind));
    q->bind(2, i64(identity));
    q->bind(3, room);
    return q->exec() > 0;
  });
}

void SqliteStore::set_motd(std::string motd, Done<bool> done) {
  submit<bool>(true, std::move(done), [motd = std::move(motd)](Connection& c) -> Result<bool> {
    auto q = c.query(kSetMotd);
    q->bind(1, motd);
    q->exec();
    return true;
  });
}

void SqliteStore::set_topic_lock(std::string room, bool locked, std::string by, Done<bool> done) {
  submit<bool>(true, std::move(done), [room = std::move(room), locked, by = std::move(by)](
                                          Connection& c) -> Result<bool> {
    const auto found = find_room(c, room);
    if (!found) return Status(Code::not_found, "no such room");
    auto q = c.query(locked ? kLockTopic : kUnlockTopic);
    q->bind(1, i64(found->epoch));
    if (locked) {
      q->bind(2, by);
      q->bind(3, now_ms());
    }
    q->exec();
    return true;
  });
}

}  // namespace chatcore::store
