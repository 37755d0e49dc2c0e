// ChatHub is the whole chat model: sessions, identities and the nicknames they own, rooms and
// memberships, history, DMs and the file registry. It knows sessions only as Participants.
#pragma once

#include <chatcore/event.h>
#include <chatcore/status.h>
#include <chatcore/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chatcore::store {
class Store;
struct Snapshot;
struct Retention;
struct StoredIdentity;
struct StoredRoom;
struct StoredMember;
struct StoredMessage;
struct StoredDirect;
struct StoredFile;
struct StoredSanction;
}  // namespace chatcore::store

namespace chatcore::model {

// The fan-out interface. A transport session (or, later, a cross-node broker) implements it.
// deliver() is called on the loop thread and must not call back into the hub.
class Participant {
 public:
  virtual ~Participant() = default;
  virtual void deliver(const EventPtr& event) = 0;
  // The hub has let go of this session (its identity signed in elsewhere; a ShutdownNotice
  // with `replaced` was its last event): the transport ends the stream once that is written.
  // Called on the loop thread inside a hub call, so it must not call back into the hub.
  virtual void replaced() {}
};

using SessionId = std::uint64_t;   // 0 is never a session
using IdentityId = std::uint64_t;  // 0 is a guest

struct HubConfig {
  Limits limits;
  std::size_t max_rooms = 10000;
  std::size_t max_room_members = 10000;
  // Files one user (by nickname) may have in the registry at once; 0 means no cap.
  std::size_t max_files_per_user = 100;
  std::string server_name = "chatd";
  // Fingerprints (or prefixes of 16+ hex digits) of the server operators' identities.
  std::vector<std::string> operators{};
};

// One moderation request (see ChatHub::moderate).
struct ModerationRequest {
  ModerationAction action = ModerationAction::kick;
  std::string nickname{};  // the target; unused for the MOTD
  std::string room{};      // empty: server-wide
  std::uint64_t duration_s = 0;  // a ban or mute: 0 lasts until lifted
  std::string reason{};    // for the MOTD: the MOTD
};

// Where an upload goes: exactly one of room / recipient is set.
struct UploadTarget {
  std::string room;
  std::string recipient;
  // The recipient's session: the file goes to that person even if they change nicknames
  // meanwhile, and never to someone who took the nickname after they left.
  SessionId recipient_id = 0;
  std::string safe_name;  // display name reduced to a safe base name
};

template <class T>
using Reply = std::function<void(Result<T>)>;

// One session as the other nodes of a cluster see it (hub_cluster.cc): who, and for a guest
// also its rooms (an identity's memberships are shared through the log).
struct PresenceRecord {
  SessionId session = 0;
  std::string nickname{};
  IdentityId identity = 0;  // 0: a guest
  std::optional<std::string> away{};
  std::vector<std::string> rooms{};  // a guest's rooms, by name; empty for an identity
};
// Runs on the loop inside a hub call when a session of this node starts or changes (the
// record) or ends (nullptr, with the reason its rooms were given); it must not call back into
// the hub.
using PresenceListener =
    std::function<void(SessionId, const PresenceRecord*, std::string_view reason)>;

class ChatHub {
 public:
  explicit ChatHub(HubConfig config);
  ~ChatHub();
  ChatHub(const ChatHub&) = delete;
  ChatHub& operator=(const ChatHub&) = delete;

  // Seeds the hub from `snapshot` (identities, rooms, memberships, recent history) and from
  // now on writes every change through `store`, which must outlive the hub's use of it.
  // Without a store the hub keeps everything in memory only (its unit tests, the fuzzer).
  void attach_store(store::Store* store, const store::Snapshot& snapshot);

  // Applies retention in the store and then to the hub: expired identities lose their
  // nicknames and memberships, rooms left without members go, recent history older than the
  // policy is dropped. Online identities count as seen now. A no-op without a store.
  // `then` runs after the result is applied (files dropped are in take_dropped_files()).
  void prune(const store::Retention& policy, std::function<void()> then = {});

  // Whether `secret_hash` names a known identity; a Connect with an unknown one first
  // registers it, which the store must commit before the session can open.
  bool knows_identity(std::string_view secret_hash) const;
  // Trust on first use: the new identity owns `nickname` once `done` runs with OK (at once
  // without a store). ALREADY_EXISTS when the nickname is taken or owned.
  void register_identity(std::string_view nickname, std::string_view secret_hash,
                         Reply<bool> done);

  // Opens a guest session and delivers its Welcome (with a fresh random token) first.
  // INVALID_ARGUMENT for a bad nickname, ALREADY_EXISTS when it is taken or owned.
  Result<SessionId> connect(std::string_view nickname, Participant* participant);
  // With `secret_hash` (hex SHA-256 of the client's secret; empty: a guest) the session is
  // that identity's: the first identity to use a nickname owns it, a known identity asking
  // for a free other nickname moves to it, and an identity that is online already takes its
  // session over (the old one is replaced). Its Welcome lists its rooms; then, per room, what
  // came after the client's `resume` position (marked missed, with a HistoryGap first if the
  // kept history cannot fill it) or, for a room it does not name, the recent history; then
  // the DMs kept for it; then CaughtUp.
  Result<SessionId> connect(std::string_view nickname, std::string_view secret_hash,
                            Participant* participant, const ResumePosition& resume = {});
  // Removes the session. A guest's rooms see it leave with `reason`; an identity stays a
  // member of its rooms, which see it go offline.
  void disconnect(SessionId id, std::string_view reason);
  // 0 when no session has this token.
  SessionId find(std::string_view token) const;
  std::string nickname(SessionId id) const;  // empty for an unknown id
  IdentityId identity(SessionId id) const;   // 0 for a guest or an unknown id
  std::string room_of(SessionId id) const;   // first of its rooms by name; empty = lobby
  std::vector<std::string> rooms_of(SessionId id) const;  // sorted by name
  std::size_t session_count() const;
  std::size_t room_count() const;
  std::size_t guest_count() const;  // sessions without an identity
  std::size_t file_count() const;   // records in the file registry

  // Creates the room (its epoch comes from the store) and joins it; `done` runs once both are
  // committed. The Result form is for a hub without a store.
  void create_room(SessionId id, std::string_view name, Reply<RoomInfo> done);
  Result<RoomInfo> create_room(SessionId id, std::string_view name);
  // Adds a membership (the user's other rooms are kept); a no-op for a room it is in.
  Result<RoomInfo> join_room(SessionId id, std::string_view name);
  // As above, but a join of a room someone's CreateRoom is still committing waits for it
  // instead of finding no room.
  void join_room(SessionId id, std::string_view name, Reply<RoomInfo> done);
  // Ends the membership in `room`; empty names the one room the user is in. Returns the
  // room as it is afterwards (members 0: it was deleted).
  Result<RoomInfo> leave_room(SessionId id, std::string_view room = {});
  std::vector<RoomInfo> list_rooms() const;   // sorted by name
  // Every online user (room empty) or the members of `room`, online or not (NOT_FOUND if it
  // does not exist).
  Result<std::vector<UserInfo>> list_users(std::string_view room) const;
  // Up to `limit` messages of a room the user is a member of with id < before_id (0: from
  // the newest), oldest first, as replay; `more` says whether older ones are kept.
  struct HistoryPage {
    std::vector<RoomMessage> messages;
    std::uint64_t epoch = 0;
    bool more = false;
  };
  Result<HistoryPage> history(SessionId id, std::string_view room, std::uint64_t before_id,
                              std::size_t limit) const;
  // The same from the store, which keeps more than the hub's recent history (at once
  // without a store).
  void history(SessionId id, std::string_view room, std::uint64_t before_id, std::size_t limit,
               Reply<HistoryPage> done) const;

  // Returns the message id (1, 2, 3... within the room's epoch). FAILED_PRECONDITION unless
  // the sender is a member of `room`.
  // `done` (with the id) runs once the message is committed, right after its fan-out; a
  // refused message is answered at once. The Result forms are for a hub without a store.
  void send_room(SessionId id, std::string_view room, std::string_view text,
                 std::uint64_t client_msg_id, Reply<std::uint64_t> done,
                 MessageKind kind = MessageKind::normal);
  Result<std::uint64_t> send_room(SessionId id, std::string_view room, std::string_view text,
                                  std::uint64_t client_msg_id,
                                  MessageKind kind = MessageKind::normal);
  // Delivered to the recipient and echoed to the sender; kept for an offline identity until
  // it connects again. NOT_FOUND for a nickname nobody owns and nobody is using. A recipient
  // who is away has its sender told so (AwayNotice), once per away period.
  void send_direct(SessionId id, std::string_view recipient, std::string_view text,
                   std::uint64_t client_msg_id, Reply<std::uint64_t> done,
                   MessageKind kind = MessageKind::normal);
  Result<std::uint64_t> send_direct(SessionId id, std::string_view recipient, std::string_view text,
                                    std::uint64_t client_msg_id,
                                    MessageKind kind = MessageKind::normal);
  // Sets (empty: clears) the topic of a room the user is a member of, any member may; the
  // online members see TopicChanged once it is committed. INVALID_ARGUMENT for a topic that
  // is too long, not UTF-8 or holds a control character; FAILED_PRECONDITION for a
  // non-member. The Result form is for a hub without a store.
  void set_topic(SessionId id, std::string_view room, std::string_view topic,
                 Reply<RoomInfo> done);
  Result<RoomInfo> set_topic(SessionId id, std::string_view room, std::string_view topic);
  // Marks the session away with `message`, or back when it is empty; returns whether it is
  // away now. The online members of its rooms see PresenceChanged. INVALID_ARGUMENT for a
  // message checked as a topic is.
  Result<bool> set_away(SessionId id, std::string_view message);
  // Who uses or owns `nickname`: presence (with the away message, or last seen while
  // offline) and every room it is a member of. NOT_FOUND for a nickname nobody uses or owns.
  Result<UserInfo> whois(SessionId id, std::string_view nickname) const;
  // An identity's ownership moves with it: the old nickname is free afterwards.
  Result<std::string> change_nick(SessionId id, std::string_view nickname);

  // Checks an upload before any byte is stored: size limit, destination, file name.
  Result<UploadTarget> check_upload(SessionId id, std::string_view name, std::uint64_t size,
                                    std::string_view room, std::string_view recipient) const;
  // A new unguessable file id (also the on-disk name).
  std::string new_file_id();
  // Registers a completed upload and sends the FileNotice to the room's members at this moment
  // (or to the recipient), and to the uploader. Those sessions may download it.
  // FAILED_PRECONDITION if the destination vanished meanwhile (the caller deletes the file).
  // With a store, a file any identity may download is registered, announced and `done` only
  // once its record is committed (a failed commit answers with the store's status). The
  // Result form is for a hub without a store.
  void publish_file(SessionId id, const UploadTarget& target, std::string_view file_id,
                    std::uint64_t size, std::string_view sha256, Reply<FileInfo> done);
  Result<FileInfo> publish_file(SessionId id, const UploadTarget& target, std::string_view file_id,
                                std::uint64_t size, std::string_view sha256);
  // Whether the registry knows the file id (start-up cleanup deletes the files it does not).
  bool has_file(std::string_view file_id) const;
  // The cluster node whose disk holds the file (as its put_file command named it); empty for
  // an unknown file and for one this single node received.
  std::string file_node(std::string_view file_id) const;
  // The file's description whoever asks (for a node that serves another node), or nullptr.
  const FileInfo* file_info(std::string_view file_id) const;
  // NOT_FOUND for an unknown id, PERMISSION_DENIED for a session the file was not sent to.
  Result<FileInfo> authorize_download(SessionId id, std::string_view file_id) const;
  std::vector<FileInfo> list_files(SessionId id) const;  // newest first
  // Files no live session may download any more (their last holder disconnected), dropped
  // from the registry since the last call; the caller deletes them from storage.
  std::vector<FileInfo> take_dropped_files();
  // Drops the records whose file `on_disk` says is gone (a crash, a hand-cleaned dir): nobody
  // could download them. Called once at start-up, after the store's completions can run.
  void drop_missing_files(const std::function<bool(const std::string& file_id)>& on_disk);

  // Moderation (hub_moderation.cc). Server operators may do anything anywhere; a room's
  // creator may kick, ban, unban, mute and unmute in that room. Each action is committed,
  // then shown to the room (or, server-wide, the target's rooms), the target and the actor
  // as a Moderated event, logged, and enforced: a kick or ban ends the membership (a
  // server-wide one the session), a ban refuses Connect or JoinRoom and a mute SendMessage
  // and SendDirect with PERMISSION_DENIED, the reason and the end. Guests may be kicked,
  // never banned or muted (FAILED_PRECONDITION): they have no identity to hold it. `done`
  // gets when the ban or mute ends (0: never).
  void moderate(SessionId id, const ModerationRequest& request, Reply<std::int64_t> done);
  Result<std::int64_t> moderate(SessionId id, const ModerationRequest& request);
  // Whether the session's identity is a server operator.
  bool is_server_operator(SessionId id) const;

  // Delivers a ShutdownNotice to every session.
  void shutdown(std::string_view reason);

  // Cluster mode (hub_remote.cc): a change another node committed to the shared log, handed
  // over in log order between this hub's own completions. The hub takes it into its memory
  // and tells its own sessions what they would have seen had it been made here (a message
  // fanned out, a join or leave shown, a DM delivered to its recipient if online here, a
  // FileNotice, a topic, a ban enforced); nothing is written back to the store. Changes that
  // name a room or identity this hub does not hold are ignored.
  void remote_identity(const store::StoredIdentity& identity);  // registered, renamed or seen
  void remote_identity_deleted(IdentityId id);
  void remote_room_created(const store::StoredRoom& room);
  void remote_topic(const store::StoredRoom& room);
  // epoch 0: whatever room has the name; else only that life of it.
  void remote_room_deleted(std::string_view name, std::uint64_t epoch = 0);
  void remote_member(const store::StoredMember& member, bool joined);
  void remote_message(const store::StoredMessage& message);
  void remote_direct(const store::StoredDirect& message);
  void remote_file(const store::StoredFile& file);
  void remote_file_removed(std::string_view file_id);
  void remote_creator(std::string_view room, IdentityId identity);
  void remote_sanction(const store::StoredSanction& sanction, bool lifted);
  void remote_motd(std::string_view motd);
  void remote_topic_lock(std::string_view room, bool locked, std::string_view by);

  // Cluster presence (hub_cluster.cc): this node's sessions as other nodes are told of them,
  // and other nodes' sessions, kept apart from this node's and used by ListUsers, Whois,
  // ListRooms, DMs and nickname checks. Local members see a remote session as they see one
  // here: MemberJoined/MemberLeft for coming online or going offline (a guest: joining and
  // leaving its rooms), PresenceChanged for away and back.
  void set_presence_listener(PresenceListener changed);
  std::vector<PresenceRecord> local_presence() const;
  // A session of `node` started or changed.
  void remote_presence(std::string_view node, const PresenceRecord& record);
  // A session of `node` ended; its rooms see `reason`. `node_died`: its node missed its
  // heartbeats, so nobody is left to delete a room its guest leaves with no member on any
  // node: this hub deletes it through the store by its epoch (every live node does; the
  // first deletion in the log wins, the others find no room of that epoch).
  void remote_presence_ended(std::string_view node, SessionId session, std::string_view reason,
                             bool node_died = false);
  // Everything `node` has now (a snapshot; empty: the node is gone): the sessions it no
  // longer lists end with `reason` (and `node_died`, as above).
  void remote_node_presence(std::string_view node, const std::vector<PresenceRecord>& records,
                            std::string_view reason, bool node_died = false);
  // Every live node's sessions are here (the presence plane heard each of them after this
  // node started): the rooms the start-up snapshot held without a member that still have
  // none on any node (emptied by a crash) are deleted by their epoch. Before this, in a
  // cluster, a room without stored members may well hold other nodes' guests.
  void cluster_presence_known();

 private:
  // In a cluster: claims the guest session's nickname through the store, ending the session
  // if another node's guest or identity got it first (hub_cluster.cc).
  void claim_guest(SessionId id, const std::string& nickname);
  // In a cluster: deletes the room `key` by its epoch if it has no member on any node, and
  // drops it here once the store says this node's deletion was the one that took it.
  void delete_abandoned_room(const std::string& key);

  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace chatcore::model
