// Store is where chat state outlives the process: identities, rooms and memberships, message
// history, direct messages, the file registry and interrupted uploads. It is an interface so an
// embedded SQLite and a replicated log (NATS JetStream) can both fill it.
#pragma once

#include <chatcore/status.h>
#include <chatcore/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chatcore::store {

// Hands a completion to the thread that owns the chat state (the loop, through its Waker).
// Every operation is asynchronous: the caller never waits on storage, and a completion never
// runs on a store thread, so it may touch loop state freely. Completions run in the order the
// operations were submitted.
using Post = std::function<void(std::function<void()>)>;

template <class T>
using Done = std::function<void(Result<T>)>;

// Someone who proved a secret at Connect. Owns one nickname (case-insensitively unique).
struct StoredIdentity {
  std::uint64_t id = 0;     // 0 in put_identity: a new identity, which gets one
  std::string secret_hash{};  // lowercase hex SHA-256 of the client's secret; unique
  std::string nickname{};
  std::int64_t created_ms = 0;
  std::int64_t last_seen_ms = 0;  // last Connect or disconnect; drives --nick-days

  bool operator==(const StoredIdentity&) const = default;
};

struct StoredRoom {
  std::string name{};
  // Names a room's life: a room deleted and created again under the same name gets a new
  // epoch, so a position (epoch, id) held by a client never points into the wrong history.
  std::uint64_t epoch = 0;
  std::uint64_t last_id = 0;  // id of its newest message; 0 while it has none
  // Id of its oldest kept message; 0 while it never had one. Once retention has removed every
  // message it is last_id + 1, so a client at last_id still sees it has missed nothing and
  // one behind it sees the gap.
  std::uint64_t first_id = 0;
  std::int64_t created_ms = 0;
  std::string topic{};  // empty: none
  std::string topic_by{};
  std::int64_t topic_ms = 0;
};

// An identity's membership; guests' memberships are never stored.
struct StoredMember {
  std::uint64_t identity = 0;
  std::string room{};
  std::int64_t joined_ms = 0;

  bool operator==(const StoredMember&) const = default;
};

struct StoredMessage {
  std::string room{};
  std::uint64_t epoch = 0;  // set by append
  std::uint64_t id = 0;     // 1, 2, 3... within the room's epoch, set by append
  std::string from{};
  std::string text{};
  std::int64_t sent_ms = 0;  // Unix time, milliseconds
  std::uint64_t client_msg_id = 0;
  MessageKind kind = MessageKind::normal;

  bool operator==(const StoredMessage&) const = default;
};

// A direct message. Its id is one sequence over every conversation, so it orders each one.
struct StoredDirect {
  std::uint64_t id = 0;             // set by append_direct
  std::uint64_t from_identity = 0;  // 0: a guest
  std::string from{};
  std::uint64_t to_identity = 0;    // 0: a guest
  std::string to{};
  std::string text{};
  std::int64_t sent_ms = 0;
  std::uint64_t client_msg_id = 0;
  MessageKind kind = MessageKind::normal;

  bool operator==(const StoredDirect&) const = default;
};

// A completed upload: who may download it is a list of identities (a room file: the members
// of the room when it was sent; a DM file: the recipient; always the sender).
struct StoredFile {
  std::string id{};  // also its name on disk
  std::string name{};
  std::uint64_t size = 0;
  std::string sha256{};
  std::string sender{};
  std::uint64_t sender_identity = 0;
  std::string room{};       // set when sent to a room
  std::string recipient{};  // set when sent to one user
  std::int64_t sent_ms = 0;
  std::vector<std::uint64_t> allowed{};  // identities, the sender's included
  std::string node{};  // the cluster node whose disk holds the bytes; empty: this single node

  bool operator==(const StoredFile&) const = default;
};

// An upload that was cut off and may be resumed from `received` bytes.
struct StoredUpload {
  std::string key{};  // the client's upload_key
  std::uint64_t identity = 0;
  std::string file_id{};  // the partial file's name on disk
  std::string name{};
  std::uint64_t size = 0;
  std::string sha256{};
  std::string room{};
  std::string recipient{};
  std::uint64_t received = 0;  // bytes on disk and synced
  std::int64_t updated_ms = 0;
};

// A ban or mute of an identity, server-wide (room empty) or in one room (by folded name, so
// it outlives the room's life). Guests are never sanctioned in the store.
enum class SanctionKind : std::uint8_t { ban = 1, mute = 2 };
struct StoredSanction {
  SanctionKind kind = SanctionKind::ban;
  std::uint64_t identity = 0;
  std::string room{};
  std::int64_t until_ms = 0;  // 0: until lifted
  std::string reason{};
  std::string by{};  // the operator's nickname then

  bool operator==(const StoredSanction&) const = default;
};

// Who created a room (an identity): that room's operator.
struct StoredCreator {
  std::string room{};
  std::uint64_t identity = 0;
};

// Everything the hub keeps in memory, read once at start-up.
struct Snapshot {
  std::vector<StoredIdentity> identities{};
  std::vector<StoredRoom> rooms{};
  std::vector<StoredMember> members{};
  std::vector<StoredFile> files{};
  std::vector<StoredUpload> uploads{};
  std::vector<StoredMessage> recent{};  // up to `recent_per_room` per room, oldest first
  std::uint64_t last_direct_id = 0;
  std::vector<StoredSanction> sanctions{};  // lifted and expired ones are not kept
  std::vector<StoredCreator> creators{};
  std::vector<std::string> topic_locks{};  // rooms (by name) whose topic is locked
  std::string motd{};
};

// What retention keeps; a zero duration or count keeps everything of that kind.
struct Retention {
  std::size_t history_keep = 10000;  // room messages per room, and DMs per pair
  std::int64_t history_ms = 0;       // room messages and DMs older than this go
  std::int64_t file_ms = 0;
  std::int64_t nick_ms = 0;    // identities not seen for this long go, with their memberships
  std::int64_t upload_ms = 0;  // interrupted uploads not continued for this long go

  bool operator==(const Retention&) const = default;
};

// What a prune removed; the caller deletes the files and partial uploads from disk and frees
// the nicknames of the removed identities.
struct Pruned {
  std::size_t messages = 0;
  std::size_t directs = 0;
  // File ids: expired, or nobody left who may download them after identities expired.
  std::vector<std::string> files{};
  std::vector<std::string> uploads{};  // partial files' ids
  std::vector<StoredIdentity> identities{};
  // Left with no member when identities expired; deleted with their history.
  std::vector<std::string> rooms{};
};

class Store {
 public:
  virtual ~Store() = default;

  // What it is and how it is set up, for the start-up log line.
  virtual std::string describe() const = 0;

  // The whole state, read on the caller's thread before the loop starts (the one blocking
  // call).
  virtual Result<Snapshot> load(std::size_t recent_per_room) = 0;

  // Writes. `done` runs only once the change is committed: an ok result means it survives a
  // crash of the process.

  // Inserts (id 0; ALREADY_EXISTS if the hash or the nickname is taken) or updates the
  // nickname and last_seen_ms of an identity (NOT_FOUND for an unknown id; ALREADY_EXISTS if
  // another identity owns the nickname). Nicknames are unique case-insensitively (ASCII, as
  // the hub folds them).
  virtual void put_identity(StoredIdentity identity, Done<StoredIdentity> done) = 0;
  // With its memberships and download rights; NOT_FOUND if there is none.
  virtual void delete_identity(std::uint64_t id, Done<bool> done) = 0;

  // A new room (its epoch), or ALREADY_EXISTS.
  virtual void create_room(std::string name, std::int64_t now_ms, Done<StoredRoom> done) = 0;
  // Removes the room with its whole history and memberships; NOT_FOUND if there is none.
  virtual void delete_room(std::string name, Done<bool> done) = 0;
  // The same, only while the room is still the life `epoch` names: NOT_FOUND when it is gone
  // or was deleted and made again meanwhile, so a late deletion never hits a new room.
  virtual void delete_room_epoch(std::string name, std::uint64_t epoch, Done<bool> done) = 0;
  // Sets the room's topic (empty clears it), who set it and when; the room as it is now, or
  // NOT_FOUND.
  virtual void set_topic(std::string room, std::string topic, std::string by,
                         std::int64_t now_ms, Done<StoredRoom> done) = 0;
  // Rooms are found by name case-insensitively, as the hub finds them.

  // True if it was added, false if the identity was a member already; NOT_FOUND for an
  // unknown room or identity.
  virtual void add_member(StoredMember member, Done<bool> done) = 0;
  // NOT_FOUND if the identity is not a member. The room stays: deleting it is the caller's
  // call (its guests are not stored).
  virtual void remove_member(std::uint64_t identity, std::string room, Done<bool> done) = 0;

  // Appends to the room's history and gives the message its epoch and id (and the room's
  // name as stored, whatever case it was asked by); NOT_FOUND for an unknown room.
  virtual void append(StoredMessage message, Done<StoredMessage> done) = 0;
  virtual void append_direct(StoredDirect message, Done<StoredDirect> done) = 0;

  // ALREADY_EXISTS for a file id in use; FAILED_PRECONDITION if an `allowed` identity is
  // unknown (then nothing of the file is stored).
  virtual void put_file(StoredFile file, Done<bool> done) = 0;
  // Takes one identity's right to download the file (it deleted it, or left for good); the
  // result says whether the file itself was removed because nobody may download it any more.
  virtual void revoke_file(std::string file_id, std::uint64_t identity, Done<bool> done) = 0;
  // NOT_FOUND (for revoke_file too) for an unknown file id.
  virtual void remove_file(std::string file_id, Done<bool> done) = 0;
  // Inserts or updates (by key).
  virtual void put_upload(StoredUpload upload, Done<bool> done) = 0;
  // NOT_FOUND for an unknown key.
  virtual void remove_upload(std::string key, Done<bool> done) = 0;

  // Applies `policy` at `now_ms`.
  virtual void prune(Retention policy, std::int64_t now_ms, Done<Pruned> done) = 0;

  // Reads. They see every write submitted before them and none submitted after (a resume
  // relies on it: a message its replay read saw must not also arrive live later).

  // Every room, by name.
  virtual void rooms(Done<std::vector<StoredRoom>> done) = 0;
  // Up to `limit` messages with id < before_id (0: from the newest), oldest first; NOT_FOUND
  // for an unknown room (and for `since`).
  virtual void history(std::string room, std::uint64_t before_id, std::size_t limit,
                       Done<std::vector<StoredMessage>> done) = 0;
  // Up to `limit` messages with id > after_id, oldest first.
  virtual void since(std::string room, std::uint64_t after_id, std::size_t limit,
                     Done<std::vector<StoredMessage>> done) = 0;
  // Up to `limit` DMs to or from the identity with id > after_id, oldest first.
  virtual void directs_since(std::uint64_t identity, std::uint64_t after_id, std::size_t limit,
                             Done<std::vector<StoredDirect>> done) = 0;

  // Moderation (sqlite_moderation.cc). Records the room's creator; NOT_FOUND for an unknown
  // room.
  virtual void set_room_creator(std::string room, std::uint64_t identity, Done<bool> done) = 0;
  // Inserts or replaces the sanction of that kind on that identity in that room.
  virtual void put_sanction(StoredSanction sanction, Done<bool> done) = 0;
  // Whether there was one to lift.
  virtual void remove_sanction(SanctionKind kind, std::uint64_t identity, std::string room,
                               Done<bool> done) = 0;
  // Empty: none.
  virtual void set_motd(std::string motd, Done<bool> done) = 0;
  // Locks (by `by`) or unlocks the topic of `room`; NOT_FOUND for an unknown room.
  virtual void set_topic_lock(std::string room, bool locked, std::string by, Done<bool> done) = 0;

  // Guests' nicknames in a cluster (sqlite_guests.cc; the hub uses them only when
  // claims_guests()): a claim holds a nickname for one guest session of one node against
  // identities and other claims, and put_identity is refused a nickname a claim holds. The
  // cluster's LogStore claims and releases for its own node whatever `node` says.
  // claim_guest: false when the nickname is owned or claimed (by another session) already.
  virtual bool claims_guests() const { return false; }
  virtual void claim_guest(std::string nickname, std::string node, std::uint64_t session,
                           Done<bool> done) {
    (void)nickname, (void)node, (void)session;
    done(true);
  }
  // Whether that session held it.
  virtual void release_guest(std::string nickname, std::string node, std::uint64_t session,
                             Done<bool> done) {
    (void)nickname, (void)node, (void)session;
    done(true);
  }
  // Every claim of `node` (it restarted, or died); whether there was any.
  virtual void release_node_guests(std::string node, Done<bool> done) {
    (void)node;
    done(true);
  }

  // Finishes the work already queued (its completions are still posted), then stops; later
  // operations fail with UNAVAILABLE. Idempotent.
  virtual void close() = 0;
};

}  // namespace chatcore::store
