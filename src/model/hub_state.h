// The private state behind ChatHub, shared by hub.cc (sessions and identities), hub_rooms.cc
// (rooms and memberships), hub_messages.cc (room messages and DMs), hub_files.cc (the file
// registry), hub_topic.cc and hub_presence.cc (topics, away, Whois). Not part of any interface.
#pragma once

#include "model/hub.h"
#include "store/store.h"

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace chatcore::model {

inline constexpr std::size_t kMaxNicknameChars = 32;

// Names are unique ignoring ASCII case; this is the key they are stored under.
std::string fold_case(std::string_view s);
std::int64_t now_unix_ms();
EventPtr make_event(EventBody body);
// A stored message as a client is sent it: `room` as the room is spelt now, `replay` for
// history, `missed` for what a resume replays.
RoomMessage room_message_of(const store::StoredMessage& m, std::string room, bool replay,
                            bool missed);
EventPtr make_notice(NoticeBody notice);
Status unknown_session();

// A session on another node of the cluster: (node, its session id there).
using RemoteKey = std::pair<std::string, SessionId>;

// Someone who proved a secret: owns a nickname and its memberships, online or not.
struct Identity {
  IdentityId id = 0;
  std::string secret_hash;
  std::string nickname;
  std::set<std::string> rooms;  // folded names of the rooms it is a member of
  SessionId session = 0;        // 0 while offline
  std::int64_t last_seen_ms = 0;  // when its last session ended (or it was restored)
  std::deque<DirectMessage> waiting;  // DMs that arrived while it was offline
  std::set<RemoteKey> elsewhere;  // its sessions on other nodes (hub_cluster.cc)
};

// Holds a resuming session's live events back while its replay is read from the store, so
// they follow the replay (without what it already contained) instead of overtaking it.
class HoldBack final : public Participant {
 public:
  void deliver(const EventPtr& event) override { held.push_back(event); }
  std::vector<EventPtr> held;
  std::map<std::string, std::uint64_t> room_max;  // folded room -> newest id replayed
  std::uint64_t direct_max = 0;                   // newest DM id replayed
  int reads = 0;                                  // store reads still outstanding
  bool fenced = false;  // the barrier after the reads was submitted
  CaughtUp counts;
};

struct Session {
  SessionId id = 0;
  std::string nickname;  // as the user spelled it
  std::string token;
  Participant* client = nullptr;       // the transport's: replays and the last words go here
  Participant* participant = nullptr;  // live events: the client, or `replay` while it runs
  std::unique_ptr<HoldBack> replay;
  IdentityId identity = 0;  // 0: a guest
  std::set<std::string> guest_rooms;  // a guest's memberships (an identity keeps its own)
  std::vector<std::string> files;  // ids this session may download, in publish order
  std::optional<std::string> away;  // the away message while away
  // Senders already told this away period that the user is away: identities by id, guests
  // by session.
  std::set<std::pair<IdentityId, SessionId>> away_told;
};

struct Room {
  std::string name;  // canonical spelling, as created
  std::uint64_t epoch = 0;
  std::uint64_t last_id = 0;
  std::set<SessionId> online;        // sessions of members: who a room event goes to
  std::set<IdentityId> identities;   // members with an identity, online or not
  std::set<SessionId> guests;        // members without one (always online)
  std::deque<RoomMessage> history;   // stored with replay = false
  std::string topic;
  std::string topic_by;
  std::int64_t topic_ms = 0;
  IdentityId creator = 0;  // its operator; 0: a guest's room, or created before it was kept
  bool topic_locked = false;  // only its operators may set the topic (hub_topic_lock.cc)
  // Cluster presence (hub_cluster.cc): identities online on another node (an id that is no
  // longer a member is not counted), and guests of other nodes in this room.
  std::set<IdentityId> elsewhere;
  std::set<RemoteKey> remote_guests;

  std::uint32_t members() const {
    return static_cast<std::uint32_t>(identities.size() + guests.size() + remote_guests.size());
  }
  std::uint32_t online_count() const {
    std::size_t n = online.size() + remote_guests.size();
    for (IdentityId id : elsewhere) n += identities.contains(id) ? 1 : 0;
    return static_cast<std::uint32_t>(n);
  }
  RoomInfo info() const {
    return RoomInfo{.name = name, .members = members(),
                    .online = online_count(), .epoch = epoch,
                    .last_id = last_id, .topic = topic, .topic_by = topic_by,
                    .topic_unix_ms = topic_ms};
  }
};

struct FileRecord {
  FileInfo info;
  std::unordered_set<SessionId> allowed;  // guests' rights: they end with the session
  std::set<IdentityId> identities;        // stored rights: they outlive sessions and restarts
  bool stored = false;                    // written through the store
  std::uint64_t order = 0;                // publish order: ListFiles shows newest first
  std::string node;                       // the cluster node holding the bytes; empty: here
};

// A ban or mute in force (see ChatHub::State::sanctions).
struct Sanction {
  std::int64_t until_ms = 0;  // 0: until lifted
  std::string reason;
  std::string by;
};

// Another node's session as this hub keeps it.
struct RemoteSession {
  PresenceRecord record;
  std::set<std::string> room_keys;  // a guest's rooms (folded) that this hub holds
};

struct ChatHub::State {
  HubConfig config;
  store::Store* store = nullptr;  // null: nothing outlives the process
  // Names and secrets whose room or identity the store is creating: taken meanwhile.
  std::set<std::string> pending_rooms;    // folded
  // Joins of a room the store is still creating: they run once it exists (or fail with it).
  std::map<std::string, std::vector<std::pair<SessionId, Reply<RoomInfo>>>> waiting_joins;
  std::set<std::string> pending_nicks;    // folded
  std::set<std::string> pending_secrets;
  SessionId next_session = 1;
  IdentityId next_identity = 1;
  std::uint64_t next_epoch = 1;
  std::uint64_t next_direct = 1;
  std::unordered_map<SessionId, Session> sessions;
  std::size_t guest_sessions = 0;  // of `sessions`, those without an identity
  std::unordered_map<std::string, SessionId> by_nick;   // folded nickname -> online session
  std::unordered_map<std::string, SessionId> by_token;
  std::unordered_map<IdentityId, Identity> identities;
  std::unordered_map<std::string, IdentityId> by_secret;  // secret hash -> identity
  std::unordered_map<std::string, IdentityId> owners;     // folded nickname -> identity
  std::map<std::string, Room> rooms;                    // folded name -> room
  std::unordered_map<std::string, FileRecord> files;  // file id -> record
  std::unordered_map<std::string, std::size_t> files_by_sender;  // folded sender -> records
  std::vector<FileInfo> dropped_files;  // awaiting take_dropped_files()
  std::uint64_t next_file_order = 1;
  // Cluster presence (hub_cluster.cc).
  PresenceListener presence_listener;
  std::map<RemoteKey, RemoteSession> remote;
  std::unordered_map<std::string, RemoteKey> remote_by_nick;  // folded nickname
  // In a cluster: rooms (folded name, epoch) the start-up snapshot held without members,
  // looked at again by cluster_presence_known().
  std::vector<std::pair<std::string, std::uint64_t>> unclaimed_rooms;

  Session* session(SessionId id);
  const Session* session(SessionId id) const;
  Session* session_named(std::string_view nickname);
  const Session* session_named(std::string_view nickname) const;
  Room* room(std::string_view name);
  const Room* room(std::string_view name) const;
  Identity* identity_of(const Session& s);
  // The folded names of the rooms the session's user is a member of.
  std::set<std::string>& rooms_of(Session& s);
  const std::set<std::string>& rooms_of(const Session& s) const;
  // A completion for a write nobody waits on: a failure is logged, with `what` it was.
  template <class T>
  store::Done<T> logged(std::string what) {
    return [what = std::move(what)](Result<T> r) {
      if (!r.ok()) log_store_failure(what, r.status());
    };
  }
  static void log_store_failure(const std::string& what, const Status& status);
  // Writes the identity's nickname and last-seen time through (no-op without a store).
  void save_identity(const Identity& identity);
  // Fans a committed room message out to the room's online members and keeps it in the
  // room's recent history.
  void publish(Room& r, RoomMessage m);
  // Delivers a committed DM to its recipient (by identity when it has one, else the guest's
  // session) and echoes it to the sender, whichever of them is still online.
  void deliver_direct(SessionId from, IdentityId to_identity, SessionId to_session,
                      DirectMessage dm);
  // Registers a published file (its rights, the guests' in their sessions) and sends the
  // FileNotice to the sessions of `audience` still online.
  void add_file(const FileInfo& info, const std::vector<SessionId>& audience,
                std::set<IdentityId> rights, bool is_stored);
  // Delivers one shared event to each listed session that is still known.
  template <class Ids>
  void deliver(const Ids& ids, const EventPtr& event) {
    for (SessionId id : ids) {
      if (auto* s = session(id)) s->participant->deliver(event);
    }
  }
  // Why `nickname` cannot be used by the session of `identity` (0: a guest, or an identity
  // not known yet when `has_secret`), if it cannot: another identity owns it, or another
  // session is using it. `self` is the session asking.
  Status check_free(std::string_view nickname, IdentityId identity, bool has_secret,
                    SessionId self) const;
  // Ends the membership of the session's user in the room `key`: the remaining online
  // members (and the leaver too when `tell_self`) see MemberLeft; an emptied room is deleted
  // with its history.
  void leave(Session& s, const std::string& key, std::string_view reason, bool tell_self);
  // Adds the session to its rooms' audiences (an identity coming online) or takes it out
  // (going offline), telling the other online members with MemberJoined / MemberLeft.
  void go_online(Session& s);
  // Sends the room's kept history to the session: HistoryReplay, then the messages as replay.
  void replay_history(const Session& s, const Room& r) const;
  // Sends what the session missed since `position`: a HistoryGap first when the kept history
  // cannot fill the gap (another epoch, or messages after last_id already dropped), then the
  // kept messages after it, marked missed. Returns how many it sent.
  std::uint32_t resume_room(const Session& s, const Room& r, const RoomPosition& position) const;
  // With a store: reads what the identity missed (per room after its position, its DMs after
  // last_direct_id) and sends it, live events held back meanwhile; then CaughtUp and the held
  // events. Rooms the position does not name get their recent history at once.
  void start_replay(Session& s, const Identity& identity, const ResumePosition& resume);
  void replay_room(SessionId id, const Room& r, std::uint64_t after, bool gap_if_any,
                   std::uint64_t known_last);
  void replay_directs(SessionId id, IdentityId identity, std::uint64_t after);
  // One store read of the replay is done; the last one ends the replay.
  void replay_read_done(SessionId id, IdentityId identity);
  void go_offline(Session& s, std::string_view reason);
  // The presence of a user as UserInfo shows it: a session's (online or away), else an
  // identity's last sighting.
  void fill_presence(UserInfo& u, const Session* s, const Identity* identity) const;
  // A user as ListUsers and Whois show it: its rooms (folded `keys`) by name, and presence.
  UserInfo user_info(const std::string& nickname, const std::set<std::string>& keys,
                     const Session* s, const Identity* identity) const;
  // Tells the presence listener about the session (its record, or that it ended).
  PresenceRecord record_of(const Session& s) const;
  void presence_changed(const Session& s) const;
  void presence_ended(SessionId id, std::string_view reason) const;
  // The session of another node using `nickname`, if any.
  const RemoteSession* remote_named(std::string_view nickname) const;
  UserInfo remote_user_info(const RemoteSession& r) const;
  // The room `key` is going: other nodes' guests are no longer in it here, and this node's
  // guests (already out of it) are reported to the presence listener.
  void forget_room(const std::string& key, const Room& r);
  // In a cluster: gives the guest session's nickname claim back.
  void release_guest(const Session& s);
  // Counts the remote session for its identity (once the log brought that identity here):
  // its first one makes the identity online in its rooms.
  void attach_identity(const RemoteKey& key, const RemoteSession& r);
  // Adds the remote sessions to a ListUsers of everyone (identities online here are listed
  // already) or of the room `key`'s guests.
  void list_remote(std::vector<UserInfo>& out, const std::string* key) const;
  // Delivers one shared event once to every online member of the session's rooms.
  void deliver_to_rooms(const Session& s, const EventPtr& event);
  // Tells the sender of a DM to `to` that it is away, once per away period.
  void tell_away(Session* sender, Session& to);
  // Drops the session's download rights so the registry does not keep dead ids; a record
  // nobody may download any more is dropped too, to bound the registry and its storage.
  void forget_files(const Session& s);
  // Hands the download rights of `from` to `to` (the same identity signed in again).
  void move_files(Session& from, Session& to);
  // Seeds the registry from the store's records (the sender's cap counts them again).
  void seed_files(const std::vector<store::StoredFile>& stored);
  // Whether the session may download the record's file: its own right or its identity's.
  bool may_download(const Session& s, const FileRecord& record) const;
  // Takes the record out of the registry (and the store) and queues its file for deletion.
  void drop_file(std::unordered_map<std::string, FileRecord>::iterator it);
  // RESOURCE_EXHAUSTED when the session's user already has max_files_per_user records.
  Status check_file_cap(const Session& s) const;

  // Moderation (hub_moderation.cc): bans and mutes by (kind, identity, folded room or "").
  using SanctionKey = std::tuple<store::SanctionKind, IdentityId, std::string>;
  std::map<SanctionKey, Sanction> sanctions;
  std::string motd;
  bool is_server_operator(const Identity& identity) const;
  bool is_server_operator(const Session& s) const;
  // PERMISSION_DENIED with the reason and the end when the identity is banned from the
  // server (room empty) or the room `key`.
  Status check_ban(IdentityId identity, const std::string& key) const;
  // PERMISSION_DENIED when the session may not send in room `key` (empty: a DM).
  Status check_mute(const Session& s, const std::string& key) const;
  void seed_moderation(const store::Snapshot& snapshot);
  // The room creator is remembered (and stored) as the room's operator.
  void set_creator(Room& r, IdentityId identity);
  // Shows an action to the room `key` (empty: the target's rooms), the target and the actor.
  void announce(const Moderated& m, const std::string& key, IdentityId target_identity,
                SessionId target_session, SessionId actor);
  // Whether the session may act as an operator of room `r`: its creator or a server operator.
  bool is_room_operator(const Session& s, const Room& r) const;
  // A topic lock or unlock of `r` by the session, committed, then shown to the room.
  void lock_topic(SessionId actor, Room& r, bool locked, Reply<std::int64_t> done);
  // Ends the membership of the identity (online or not) or guest session in room `key`.
  void end_membership(IdentityId identity, SessionId session, const std::string& key,
                      const std::string& reason);
};

}  // namespace chatcore::model
