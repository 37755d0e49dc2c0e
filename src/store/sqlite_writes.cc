// SqliteStore's writes of people, rooms and messages; each body runs inside the writer's
// batch transaction, in a savepoint of its own.
#include <fmt/format.h>

#include <utility>

#include "store/reads.h"
#include "store/rows.h"
#include "store/sql.h"
#include "store/sqlite_store.h"
#include "util/escape.h"

namespace chatcore::store {

namespace {
// The id that owns `column`'s value, if any (a lookup by secret hash or folded nickname).
std::uint64_t owner(Connection& c, const char* query, const std::string& value) {
  auto q = c.query(query);
  q->bind(1, value);
  return q->executeStep() ? u64(*q, 0) : 0;
}

bool identity_exists(Connection& c, std::uint64_t id) {
  auto q = c.query(sql::kIdentityExists);
  q->bind(1, i64(id));
  return q->executeStep();
}

Status nickname_taken(const std::string& nickname) {
  return Status(Code::already_exists,
                fmt::format("nickname '{}' belongs to another identity", util::escape(nickname)));
}
}  // namespace

void SqliteStore::put_identity(StoredIdentity identity, Done<StoredIdentity> done) {
  submit<StoredIdentity>(true, std::move(done), [identity = std::move(identity)](
                                                    Connection& c) -> Result<StoredIdentity> {
    const auto holder = owner(c, sql::kIdentityByNick, identity.nickname);
    if (holder != 0 && holder != identity.id) return nickname_taken(identity.nickname);
    if (owner(c, sql::kGuestClaimByNick, identity.nickname) != 0) {  // a guest's in a cluster
      return Status(Code::already_exists, fmt::format("nickname '{}' is used by a guest",
                                                      util::escape(identity.nickname)));
    }
    if (identity.id == 0) {
      if (owner(c, sql::kIdentityByHash, identity.secret_hash) != 0) {
        return Status(Code::already_exists, "an identity with this secret exists already");
      }
      auto q = c.query(sql::kInsertIdentity);
      q->bind(1, identity.secret_hash);
      q->bind(2, identity.nickname);
      q->bind(3, identity.created_ms);
      q->bind(4, identity.last_seen_ms);
      q->executeStep();
      return read_identity(*q);
    }
    auto q = c.query(sql::kUpdateIdentity);
    q->bind(1, identity.nickname);
    q->bind(2, identity.last_seen_ms);
    q->bind(3, i64(identity.id));
    if (!q->executeStep()) return Status(Code::not_found, "no such identity");
    return read_identity(*q);
  });
}

void SqliteStore::delete_identity(std::uint64_t id, Done<bool> done) {
  submit<bool>(true, std::move(done), [id](Connection& c) -> Result<bool> {
    auto q = c.query(sql::kDeleteIdentity);
    q->bind(1, i64(id));
    if (q->exec() == 0) return Status(Code::not_found, "no such identity");
    return true;
  });
}

void SqliteStore::create_room(std::string name, std::int64_t now_ms, Done<StoredRoom> done) {
  submit<StoredRoom>(true, std::move(done),
                     [name = std::move(name), now_ms](Connection& c) -> Result<StoredRoom> {
                       auto q = c.query(sql::kCreateRoom);
                       q->bind(1, name);
                       q->bind(2, now_ms);
                       if (!q->executeStep()) {
                         return Status(Code::already_exists, "the room exists already");
                       }
                       return read_room(*q);
                     });
}

void SqliteStore::delete_room(std::string name, Done<bool> done) {
  submit<bool>(true, std::move(done), [name = std::move(name)](Connection& c) -> Result<bool> {
    auto q = c.query(sql::kDeleteRoom);
    q->bind(1, name);
    if (q->exec() == 0) return Status(Code::not_found, "no such room");
    return true;
  });
}

void SqliteStore::delete_room_epoch(std::string name, std::uint64_t epoch, Done<bool> done) {
  submit<bool>(true, std::move(done),
               [name = std::move(name), epoch](Connection& c) -> Result<bool> {
                 auto q = c.query(sql::kDeleteRoomLife);
                 q->bind(1, i64(epoch));
                 q->bind(2, name);
                 if (q->exec() == 0) return Status(Code::not_found, "no such room of that epoch");
                 return true;
               });
}

void SqliteStore::set_topic(std::string room, std::string topic, std::string by,
                            std::int64_t now_ms, Done<StoredRoom> done) {
  submit<StoredRoom>(true, std::move(done),
                     [room = std::move(room), topic = std::move(topic), by = std::move(by),
                      now_ms](Connection& c) -> Result<StoredRoom> {
                       auto q = c.query(sql::kSetTopic);
                       q->bind(1, topic);
                       q->bind(2, by);
                       q->bind(3, now_ms);
                       q->bind(4, room);
                       if (!q->executeStep()) return Status(Code::not_found, "no such room");
                       return read_room(*q);
                     });
}

void SqliteStore::add_member(StoredMember member, Done<bool> done) {
  submit<bool>(true, std::move(done), [member = std::move(member)](Connection& c) -> Result<bool> {
    const auto room = find_room(c, member.room);
    if (!room) return Status(Code::not_found, "no such room");
    if (!identity_exists(c, member.identity)) return Status(Code::not_found, "no such identity");
    auto q = c.query(sql::kAddMember);
    q->bind(1, i64(member.identity));
    q->bind(2, i64(room->epoch));
    q->bind(3, member.joined_ms);
    return q->exec() == 1;
  });
}

void SqliteStore::remove_member(std::uint64_t identity, std::string room, Done<bool> done) {
  submit<bool>(true, std::move(done),
               [identity, room = std::move(room)](Connection& c) -> Result<bool> {
                 const auto ref = find_room(c, room);
                 if (!ref) return Status(Code::not_found, "no such room");
                 auto q = c.query(sql::kRemoveMember);
                 q->bind(1, i64(identity));
                 q->bind(2, i64(ref->epoch));
                 if (q->exec() == 0) return Status(Code::not_found, "not a member of the room");
                 return true;
               });
}

void SqliteStore::append(StoredMessage message, Done<StoredMessage> done) {
  submit<StoredMessage>(true, std::move(done), [message = std::move(message)](
                                                   Connection& c) -> Result<StoredMessage> {
    StoredMessage m = message;
    {
      // Bound without a copy (here and below): `m` outlives each statement's step, and every
      // use of a statement binds all of its parameters again before it steps.
      auto last = c.query(sql::kLastId);
      last->bindNoCopy(1, message.room);
      if (!last->executeStep()) return Status(Code::not_found, "no such room");
      m.epoch = u64(*last, 0);
      m.id = u64(*last, 1) + 1;
      m.room = last->getColumn(2).getString();
    }
    {
      auto next = c.query(sql::kSetLastId);
      next->bind(1, i64(m.id));
      next->bind(2, i64(m.epoch));
      next->exec();
    }
    auto insert = c.query(sql::kInsertMessage);
    insert->bind(1, i64(m.epoch));
    insert->bind(2, i64(m.id));
    insert->bindNoCopy(3, m.from);
    insert->bindNoCopy(4, m.text);
    insert->bind(5, m.sent_ms);
    insert->bind(6, i64(m.client_msg_id));
    insert->bind(7, static_cast<int>(m.kind));
    insert->exec();
    return m;
  });
}

void SqliteStore::append_direct(StoredDirect message, Done<StoredDirect> done) {
  submit<StoredDirect>(true, std::move(done), [message = std::move(message)](
                                                  Connection& c) -> Result<StoredDirect> {
    StoredDirect m = message;
    auto q = c.query(sql::kInsertDirect);
    q->bind(1, direct_pair(m));
    q->bind(2, i64(m.from_identity));
    q->bind(3, m.from);
    q->bind(4, i64(m.to_identity));
    q->bind(5, m.to);
    q->bind(6, m.text);
    q->bind(7, m.sent_ms);
    q->bind(8, i64(m.client_msg_id));
    q->bind(9, static_cast<int>(m.kind));
    q->executeStep();
    m.id = u64(*q, 0);
    return m;
  });
}

}  // namespace chatcore::store
