// The SQL the store runs, in one place: each text is also the key of its prepared statement,
// and a test asks SQLite's planner that every read is served by an index.
#pragma once

namespace chatcore::store::sql {

// A room row as StoredRoom reads it (see rows.h). Kept ids start after pruned_id.
#define CHATCORE_ROOM_COLUMNS \
  "name, epoch, last_id, CASE WHEN last_id = 0 THEN 0 ELSE pruned_id + 1 END, created_ms, " \
  "topic, topic_by, topic_ms"
#define CHATCORE_MESSAGE_COLUMNS "id, sender, body, sent_ms, client_msg_id, kind"
#define CHATCORE_DIRECT_COLUMNS \
  "id, from_identity, sender, to_identity, recipient, body, sent_ms, client_msg_id, kind"
#define CHATCORE_IDENTITY_COLUMNS "id, secret_hash, nickname, created_ms, last_seen_ms"
#define CHATCORE_FILE_COLUMNS "id, name, size, sha256, sender, sender_identity, room, recipient, sent_ms, node"
#define CHATCORE_UPLOAD_COLUMNS \
  "key, identity, file_id, name, size, sha256, room, recipient, received, updated_ms"

// Transactions.
inline constexpr char kBegin[] = "BEGIN IMMEDIATE";
inline constexpr char kCommit[] = "COMMIT";
inline constexpr char kRollback[] = "ROLLBACK";
inline constexpr char kSavepoint[] = "SAVEPOINT job";
inline constexpr char kRelease[] = "RELEASE job";
inline constexpr char kRollbackTo[] = "ROLLBACK TO job";

// Rooms and their history.
inline constexpr char kCreateRoom[] =
    "INSERT INTO rooms(name, created_ms) VALUES(?, ?) ON CONFLICT DO NOTHING "
    "RETURNING " CHATCORE_ROOM_COLUMNS;
inline constexpr char kDeleteRoom[] = "DELETE FROM rooms WHERE lower(name) = lower(?)";
inline constexpr char kDeleteRoomLife[] =
    "DELETE FROM rooms WHERE epoch = ? AND lower(name) = lower(?)";
inline constexpr char kRooms[] = "SELECT " CHATCORE_ROOM_COLUMNS " FROM rooms ORDER BY name";
inline constexpr char kRoomEpoch[] = "SELECT epoch, name FROM rooms WHERE lower(name) = lower(?)";
// An append reads the room's last id and writes the next one by epoch: an UPDATE with
// RETURNING would open an ephemeral table for its one row on every message (about a third of
// an append's instructions).
inline constexpr char kLastId[] =
    "SELECT epoch, last_id, name FROM rooms WHERE lower(name) = lower(?)";
inline constexpr char kSetLastId[] = "UPDATE rooms SET last_id = ? WHERE epoch = ?";
inline constexpr char kInsertMessage[] =
    "INSERT INTO messages(epoch, id, sender, body, sent_ms, client_msg_id, kind) "
    "VALUES(?, ?, ?, ?, ?, ?, ?)";
inline constexpr char kSetTopic[] =
    "UPDATE rooms SET topic = ?, topic_by = ?, topic_ms = ? WHERE lower(name) = lower(?) "
    "RETURNING " CHATCORE_ROOM_COLUMNS;
inline constexpr char kHistory[] = "SELECT " CHATCORE_MESSAGE_COLUMNS
                                   " FROM messages WHERE epoch = ? AND id < ? "
                                   "ORDER BY id DESC LIMIT ?";
inline constexpr char kSince[] = "SELECT " CHATCORE_MESSAGE_COLUMNS
                                 " FROM messages WHERE epoch = ? AND id > ? ORDER BY id LIMIT ?";

// Identities and memberships.
inline constexpr char kIdentities[] =
    "SELECT " CHATCORE_IDENTITY_COLUMNS " FROM identities ORDER BY id";
inline constexpr char kIdentityExists[] = "SELECT 1 FROM identities WHERE id = ?";
inline constexpr char kIdentityByHash[] = "SELECT id FROM identities WHERE secret_hash = ?";
inline constexpr char kGuestClaimByNick[] =
    "SELECT session, node FROM guest_claims WHERE lower(nickname) = lower(?)";
inline constexpr char kIdentityByNick[] =
    "SELECT id FROM identities WHERE lower(nickname) = lower(?)";
inline constexpr char kInsertIdentity[] =
    "INSERT INTO identities(secret_hash, nickname, created_ms, last_seen_ms) VALUES(?, ?, ?, ?) "
    "RETURNING " CHATCORE_IDENTITY_COLUMNS;
inline constexpr char kUpdateIdentity[] =
    "UPDATE identities SET nickname = ?, last_seen_ms = ? WHERE id = ? "
    "RETURNING " CHATCORE_IDENTITY_COLUMNS;
inline constexpr char kDeleteIdentity[] = "DELETE FROM identities WHERE id = ?";
inline constexpr char kMembers[] =
    "SELECT m.identity, r.name, m.joined_ms FROM members m JOIN rooms r ON r.epoch = m.epoch "
    "ORDER BY r.name, m.identity";
inline constexpr char kAddMember[] =
    "INSERT INTO members(identity, epoch, joined_ms) VALUES(?, ?, ?) ON CONFLICT DO NOTHING";
inline constexpr char kRemoveMember[] = "DELETE FROM members WHERE identity = ? AND epoch = ?";

// Direct messages.
inline constexpr char kInsertDirect[] =
    "INSERT INTO directs(pair, from_identity, sender, to_identity, recipient, body, sent_ms, "
    "client_msg_id, kind) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
// The two halves each walk their own index from after_id in id order (named: with no
// statistics the planner would rather range over every conversation's ids); a DM to oneself
// is in the first half only.
inline constexpr char kDirectsSince[] =
    "SELECT * FROM (SELECT " CHATCORE_DIRECT_COLUMNS " FROM directs INDEXED BY directs_from"
    " WHERE from_identity = ?1 AND id > ?2 ORDER BY id LIMIT ?3)"
    " UNION ALL SELECT * FROM (SELECT " CHATCORE_DIRECT_COLUMNS
    " FROM directs INDEXED BY directs_to"
    " WHERE to_identity = ?1 AND from_identity != ?1 AND id > ?2 ORDER BY id LIMIT ?3)"
    " ORDER BY id LIMIT ?3";
inline constexpr char kLastDirectId[] =
    "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'directs'), 0)";

// The file registry and interrupted uploads.
inline constexpr char kFiles[] = "SELECT " CHATCORE_FILE_COLUMNS " FROM files ORDER BY sent_ms, id";
inline constexpr char kAllowedAll[] = "SELECT file, identity FROM file_allowed";
inline constexpr char kFileExists[] = "SELECT 1 FROM files WHERE id = ?";
inline constexpr char kInsertFile[] =
    "INSERT INTO files(" CHATCORE_FILE_COLUMNS ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
inline constexpr char kAllow[] =
    "INSERT INTO file_allowed(file, identity) VALUES(?, ?) ON CONFLICT DO NOTHING";
inline constexpr char kRevoke[] = "DELETE FROM file_allowed WHERE file = ? AND identity = ?";
inline constexpr char kAllowedLeft[] = "SELECT EXISTS(SELECT 1 FROM file_allowed WHERE file = ?)";
inline constexpr char kDeleteFile[] = "DELETE FROM files WHERE id = ?";
inline constexpr char kUploads[] = "SELECT " CHATCORE_UPLOAD_COLUMNS " FROM uploads ORDER BY key";
inline constexpr char kPutUpload[] =
    "INSERT INTO uploads(" CHATCORE_UPLOAD_COLUMNS ") VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT(key) DO UPDATE SET identity = excluded.identity, file_id = excluded.file_id, "
    "name = excluded.name, size = excluded.size, sha256 = excluded.sha256, room = excluded.room, "
    "recipient = excluded.recipient, received = excluded.received, "
    "updated_ms = excluded.updated_ms";
inline constexpr char kRemoveUpload[] = "DELETE FROM uploads WHERE key = ?";

// Retention. Room history goes by prefixes of ids, so what is kept is always one run.
inline constexpr char kRoomsOver[] =
    "SELECT epoch, last_id FROM rooms WHERE last_id - pruned_id > ?";
inline constexpr char kRoomsKept[] = "SELECT epoch, last_id FROM rooms WHERE last_id > pruned_id";
inline constexpr char kFirstMessageFrom[] =
    "SELECT id FROM messages WHERE epoch = ? AND sent_ms >= ? ORDER BY id LIMIT 1";
inline constexpr char kDeleteMessagesTo[] = "DELETE FROM messages WHERE epoch = ? AND id <= ?";
inline constexpr char kSetPruned[] = "UPDATE rooms SET pruned_id = ? WHERE epoch = ?";
inline constexpr char kPairsOver[] =
    "SELECT pair FROM directs GROUP BY pair HAVING COUNT(*) > ?";
inline constexpr char kPairCut[] =
    "SELECT id FROM directs WHERE pair = ? ORDER BY id DESC LIMIT 1 OFFSET ?";
inline constexpr char kDeletePairTo[] = "DELETE FROM directs WHERE pair = ? AND id <= ?";
inline constexpr char kFirstDirectFrom[] =
    "SELECT id FROM directs WHERE sent_ms >= ? ORDER BY id LIMIT 1";
inline constexpr char kDeleteDirectsBefore[] = "DELETE FROM directs WHERE id < ?";
inline constexpr char kExpireFiles[] = "DELETE FROM files WHERE sent_ms < ? RETURNING id";
inline constexpr char kExpireUploads[] =
    "DELETE FROM uploads WHERE updated_ms < ? RETURNING file_id";
inline constexpr char kIdentitiesUnseen[] =
    "SELECT " CHATCORE_IDENTITY_COLUMNS " FROM identities WHERE last_seen_ms < ? ORDER BY id";
inline constexpr char kRoomsOf[] =
    "SELECT r.epoch, r.name FROM members m JOIN rooms r ON r.epoch = m.epoch "
    "WHERE m.identity = ?";
inline constexpr char kFilesOf[] = "SELECT file FROM file_allowed WHERE identity = ?";
inline constexpr char kRoomHasMember[] = "SELECT EXISTS(SELECT 1 FROM members WHERE epoch = ?)";
inline constexpr char kDeleteRoomEpoch[] = "DELETE FROM rooms WHERE epoch = ?";

}  // namespace chatcore::store::sql
