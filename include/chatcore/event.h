// Everything a session receives, as plain C++: the chat model builds these once per broadcast
// and shares them immutably; the client class hands them to its user in order.
#pragma once

#include <chatcore/types.h>

#include <cstdint>
#include <memory>
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
};

struct DirectMessage {
  std::uint64_t message_id = 0;  // durable; ascending over every conversation
  std::string sender;
  std::string recipient;
  std::string text;
  std::uint64_t client_msg_id = 0;
  std::int64_t sent_unix_ms = 0;
  bool missed = false;  // replayed on resume, or stored while the recipient was offline
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

using EventBody = std::variant<Welcome, RoomMessage, DirectMessage, MemberJoined, MemberLeft,
                               NickChanged, FileNotice, HistoryReplay, ShutdownNotice, CaughtUp,
                               HistoryGap>;

struct Event {
  std::uint64_t seq = 0;  // per session; assigned when the event is written to that session
  std::int64_t time_unix_ms = 0;
  EventBody body;
};

using EventPtr = std::shared_ptr<const Event>;

}  // namespace chatcore
