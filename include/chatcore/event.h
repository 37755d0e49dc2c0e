// Everything a session receives, as plain C++: the chat model builds these once per broadcast
// and shares them immutably; the client class hands them to its user in order.
#pragma once

#include <chatcore/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <variant>

namespace chatcore {

struct Welcome {
  std::string session;  // token that names this session in every request
  std::string nickname;
  Limits limits;
  std::string server;
  bool guest = true;  // no identity: nothing of this session outlives it
  std::vector<RoomInfo> rooms;  // the identity's memberships, restored
  std::string fingerprint{};  // hex SHA-256 of the identity secret; empty for a guest
  std::string motd{};         // the server's message of the day; empty: none
  bool server_operator = false;
};

struct RoomMessage {
  std::uint64_t message_id = 0;
  std::string room;
  std::string sender;
  std::string text;
  bool replay = false;  // part of the history replayed on join
  std::uint64_t client_msg_id = 0;
  std::int64_t sent_unix_ms = 0;
  std::uint64_t room_epoch = 0;  // with message_id, the durable position in the room
  bool missed = false;           // replayed on resume: sent while this client was away
  MessageKind kind = MessageKind::normal;
};

struct DirectMessage {
  std::uint64_t message_id = 0;  // durable; ascending over every conversation
  std::string sender;
  std::string recipient;
  std::string text;
  std::uint64_t client_msg_id = 0;
  std::int64_t sent_unix_ms = 0;
  bool missed = false;  // replayed on resume, or stored while the recipient was offline
  MessageKind kind = MessageKind::normal;
};

struct MemberJoined {
  std::string room;
  std::string nickname;
  std::uint32_t members = 0;
};

struct MemberLeft {
  std::string room;
  std::string nickname;
  std::uint32_t members = 0;
  std::string reason;
};

struct NickChanged {
  std::string old_nickname;
  std::string new_nickname;
  std::string room;
};

struct FileNotice {
  FileInfo file;
};

struct HistoryReplay {
  std::string room;
  std::uint32_t count = 0;
};

struct ShutdownNotice {
  std::string reason;
  bool replaced = false;  // the same identity signed in from another client
};

// Everything missed while away has been sent; what follows is live.
struct CaughtUp {
  std::uint32_t room_messages = 0;
  std::uint32_t direct_messages = 0;
};

// Retention removed messages this client had not seen: the replay of `room` (empty: DMs)
// starts at `first_id`, and what came before it is no longer available.
struct HistoryGap {
  std::string room;
  std::uint64_t epoch = 0;
  std::uint64_t first_id = 0;
};

// A member set the room's topic (empty: cleared it).
struct TopicChanged {
  std::string room;
  std::string topic;
  std::string by;  // nickname of who set it
};

// A user went away (with a message) or came back; sent to the members of its rooms.
struct PresenceChanged {
  std::string nickname;
  Presence presence = Presence::online;
  std::string away_message;
};

// Answers a DM to someone who is away: sent to its sender, once per away period.
struct AwayNotice {
  std::string nickname;
  std::string away_message;
};

// An operator kicked, banned, unbanned, muted or unmuted someone (room empty: server-wide).
struct Moderated {
  ModerationAction action = ModerationAction::kick;
  std::string room{};
  std::string nickname{};  // the target
  std::string by{};        // the operator
  std::string reason{};
  std::int64_t until_unix_ms = 0;  // a ban or mute ends then; 0: never
};

using EventBody = std::variant<Welcome, RoomMessage, DirectMessage, MemberJoined, MemberLeft,
                               NickChanged, FileNotice, HistoryReplay, ShutdownNotice, CaughtUp,
                               HistoryGap>;

// Notices about rooms and people. They share the session's ordered stream (and its seq) with
// the events above but are kept out of EventBody, whose visitors are exhaustive: an
// application takes notices when it asks for them (Client::on_notice), so new kinds of notice
// never break one written before them.
using NoticeBody = std::variant<TopicChanged, PresenceChanged, AwayNotice>;

struct Event {
  std::uint64_t seq = 0;  // per session; assigned when the event is written to that session
  std::int64_t time_unix_ms = 0;
  EventBody body;
  // Set for a notice, which is then all the event says (`body` is left as it was built).
  std::optional<NoticeBody> notice{};
  // Set for a moderation action, which is then all the event says. Kept apart from the
  // notices so that handlers written before moderation existed stay exhaustive.
  std::optional<Moderated> moderation{};
};

using EventPtr = std::shared_ptr<const Event>;

}  // namespace chatcore
