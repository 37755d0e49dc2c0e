#include "store/schema.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>

#include <fmt/format.h>

#include "util/log.h"

namespace chatcore::store {

namespace {
// Never edit a step once released: a database out there is at that version already.
constexpr Migration kSteps[] = {
    {"rooms and their message history",
     // AUTOINCREMENT: an epoch is never reused, even after the room with the highest is gone.
     "CREATE TABLE rooms ("
     "  epoch INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  name TEXT NOT NULL UNIQUE,"
     "  created_ms INTEGER NOT NULL,"
     "  last_id INTEGER NOT NULL DEFAULT 0);"
     "CREATE TABLE messages ("
     "  epoch INTEGER NOT NULL REFERENCES rooms(epoch) ON DELETE CASCADE,"
     "  id INTEGER NOT NULL,"
     "  sender TEXT NOT NULL,"
     "  body TEXT NOT NULL,"
     "  sent_ms INTEGER NOT NULL,"
     "  PRIMARY KEY (epoch, id)) WITHOUT ROWID;"},
    {"identities, memberships, direct messages, the file registry and uploads",
     // Names are found as the hub finds them, ASCII case-insensitively: lower() is SQLite's
     // ASCII fold, and an index on it makes the lookup and the uniqueness one rule.
     "CREATE UNIQUE INDEX rooms_folded ON rooms(lower(name));"
     // Retention removes a prefix of a room's ids; what is kept starts after pruned_id.
     "ALTER TABLE rooms ADD COLUMN pruned_id INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE messages ADD COLUMN client_msg_id INTEGER NOT NULL DEFAULT 0;"
     "CREATE TABLE identities ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  secret_hash TEXT NOT NULL UNIQUE,"
     "  nickname TEXT NOT NULL,"
     "  created_ms INTEGER NOT NULL,"
     "  last_seen_ms INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX identities_nick ON identities(lower(nickname));"
     "CREATE INDEX identities_seen ON identities(last_seen_ms);"
     "CREATE TABLE members ("
     "  identity INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,"
     "  epoch INTEGER NOT NULL REFERENCES rooms(epoch) ON DELETE CASCADE,"
     "  joined_ms INTEGER NOT NULL,"
     "  PRIMARY KEY (identity, epoch)) WITHOUT ROWID;"
     "CREATE INDEX members_room ON members(epoch);"
     // One id sequence over every conversation; identity 0 is a guest. `pair` names the
     // conversation (both ends, sorted) so retention can keep the newest per pair.
     "CREATE TABLE directs ("
     "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  pair TEXT NOT NULL,"
     "  from_identity INTEGER NOT NULL,"
     "  sender TEXT NOT NULL,"
     "  to_identity INTEGER NOT NULL,"
     "  recipient TEXT NOT NULL,"
     "  body TEXT NOT NULL,"
     "  sent_ms INTEGER NOT NULL,"
     "  client_msg_id INTEGER NOT NULL DEFAULT 0);"
     "CREATE INDEX directs_from ON directs(from_identity, id);"
     "CREATE INDEX directs_to ON directs(to_identity, id);"
     "CREATE INDEX directs_pair ON directs(pair, id);"
     "CREATE TABLE files ("
     "  id TEXT PRIMARY KEY,"
     "  name TEXT NOT NULL,"
     "  size INTEGER NOT NULL,"
     "  sha256 TEXT NOT NULL,"
     "  sender TEXT NOT NULL,"
     "  sender_identity INTEGER NOT NULL,"
     "  room TEXT NOT NULL,"
     "  recipient TEXT NOT NULL,"
     "  sent_ms INTEGER NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE file_allowed ("
     "  file TEXT NOT NULL REFERENCES files(id) ON DELETE CASCADE,"
     "  identity INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,"
     "  PRIMARY KEY (file, identity)) WITHOUT ROWID;"
     "CREATE INDEX file_allowed_identity ON file_allowed(identity);"
     "CREATE TABLE uploads ("
     "  key TEXT PRIMARY KEY,"
     "  identity INTEGER NOT NULL,"
     "  file_id TEXT NOT NULL,"
     "  name TEXT NOT NULL,"
     "  size INTEGER NOT NULL,"
     "  sha256 TEXT NOT NULL,"
     "  room TEXT NOT NULL,"
     "  recipient TEXT NOT NULL,"
     "  received INTEGER NOT NULL,"
     "  updated_ms INTEGER NOT NULL) WITHOUT ROWID;"},
    {"message kinds and room topics",
     // Kinds are MessageKind's values; rows written before are normal messages.
     "ALTER TABLE messages ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE directs ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE rooms ADD COLUMN topic TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rooms ADD COLUMN topic_by TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE rooms ADD COLUMN topic_ms INTEGER NOT NULL DEFAULT 0;"},
    {"room creators, bans and mutes, and the message of the day",
     // A room's creator is its operator; the row goes with the room's life.
     "CREATE TABLE room_creators ("
     "  epoch INTEGER PRIMARY KEY REFERENCES rooms(epoch) ON DELETE CASCADE,"
     "  identity INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE);"
     // kind is SanctionKind; room is the folded name ('' server-wide), so a room ban holds
     // for a room of that name created again; until_ms 0 lasts until lifted.
     "CREATE TABLE sanctions ("
     "  kind INTEGER NOT NULL,"
     "  identity INTEGER NOT NULL REFERENCES identities(id) ON DELETE CASCADE,"
     "  room TEXT NOT NULL,"
     "  until_ms INTEGER NOT NULL,"
     "  reason TEXT NOT NULL,"
     "  by TEXT NOT NULL,"
     "  PRIMARY KEY (kind, identity, room)) WITHOUT ROWID;"
     "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"},
    {"the replicated log's applied position",
     // One row: the stream sequence of the last log command applied to this replica (0: none,
     // and always 0 for a single node).
     "CREATE TABLE cluster_log ("
     "  id INTEGER PRIMARY KEY CHECK (id = 0),"
     "  applied INTEGER NOT NULL);"
     "INSERT INTO cluster_log VALUES (0, 0);"},
    {"topic locks",
     // A row per room whose topic only its operators may set; it goes with the room's life.
     "CREATE TABLE topic_locks ("
     "  epoch INTEGER PRIMARY KEY REFERENCES rooms(epoch) ON DELETE CASCADE,"
     "  by TEXT NOT NULL,"
     "  locked_ms INTEGER NOT NULL);"},
    {"the node that stores each file",
     // In a cluster the bytes stay on the disk of the node that received the upload; rows
     // written before are this single node's.
     "ALTER TABLE files ADD COLUMN node TEXT NOT NULL DEFAULT '';"},
    {"guests' nickname claims in a cluster",
     "CREATE TABLE guest_claims ("
     "  nickname TEXT NOT NULL,"
     "  node TEXT NOT NULL,"
     "  session INTEGER NOT NULL);"
     "CREATE UNIQUE INDEX guest_claims_by_nick ON guest_claims(lower(nickname));"
     "CREATE INDEX guest_claims_by_node ON guest_claims(node);"},
};
}  // namespace

std::span<const Migration> schema_migrations() { return kSteps; }

Status migrate(SQLite::Database& db, std::span<const Migration> steps, int& from) {
  const int known = static_cast<int>(steps.size());
  from = db.execAndGet("PRAGMA user_version").getInt();
  if (from > known) {
    return Status(Code::failed_precondition,
                  fmt::format("the database has schema version {}, this chatd knows up to {}: "
                              "it was written by a newer chatd (run that one, or use another "
                              "data dir)",
                              from, known));
  }
  for (int v = from; v < known; ++v) {
    SQLite::Transaction tx(db);
    db.exec(steps[static_cast<std::size_t>(v)].sql);
    db.exec(fmt::format("PRAGMA user_version = {}", v + 1));
    tx.commit();
    log::info("store: schema {} -> {}: {}", v, v + 1, steps[static_cast<std::size_t>(v)].what);
  }
  return {};
}

}  // namespace chatcore::store
