// Plain descriptions of rooms, users, files and server limits, shared by the server library,
// the client class and the TUI; they mirror the messages of chatcore.v1 without protobuf.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace chatcore {

struct Limits {
  std::uint64_t max_file_size = 1ull << 30;  // 1 GiB
  std::uint32_t chunk_size = 64 * 1024;
  std::uint32_t max_message_bytes = 4096;
  std::uint32_t history = 100;  // room messages replayed on join
  // The flood limit on room messages and DMs together (a token bucket): `message_burst` at
  // once, then `message_rate` a second, so a client can pace a paste. Rate 0: no limit. A
  // server sets them from Config::message_rate.
  double message_rate = 0;
  std::uint32_t message_burst = 0;
};

// What a message says: text, or an action of its sender ("/me waves": "* ann waves").
enum class MessageKind : std::uint8_t { normal = 0, action = 1 };

// Whether someone can be reached now: a session (online or away) or an identity without one.
enum class Presence : std::uint8_t { online = 0, away = 1, offline = 2 };

struct RoomInfo {
  std::string name;  // empty = the lobby
  std::uint32_t members = 0;  // every member, online or not
  std::uint32_t online = 0;   // members with a session now
  std::uint64_t epoch = 0;    // names the room's life; see RoomPosition
  std::uint64_t last_id = 0;  // newest message id; 0 while it has none
  std::string topic{};          // empty: none set
  std::string topic_by{};       // nickname of who set it
  std::int64_t topic_unix_ms = 0;
};

// Where a client stopped reading one room: the newest message id it has seen in the room's
// life `epoch` (a room deleted and created again under the same name has a new epoch).
struct RoomPosition {
  std::string room;
  std::uint64_t epoch = 0;
  std::uint64_t last_id = 0;
};

// What a client has seen, sent at Connect so the server replays only what came after.
struct ResumePosition {
  std::vector<RoomPosition> rooms;
  std::uint64_t last_direct_id = 0;
};

struct UserInfo {
  std::string nickname;
  std::string room;  // first of `rooms` by name; empty = the lobby
  bool online = true;
  bool guest = false;
  std::vector<std::string> rooms;  // every room the user is a member of, by name
  Presence presence = Presence::online;
  std::string away_message{};         // set while away
  std::int64_t last_seen_unix_ms = 0;  // set while offline: when its last session ended
  bool server_operator = false;  // named by the server's --operator
  bool room_operator = false;    // in a listing of a room's members: its creator
};

// What an operator may do to someone (see docs/protocol.md, Moderate).
// topic_lock and topic_unlock act on a room's topic, not on someone.
enum class ModerationAction : std::uint8_t { kick = 1, ban, unban, mute, unmute, motd, topic_lock, topic_unlock };

struct FileInfo {
  std::string id;
  std::string name;
  std::uint64_t size = 0;
  std::string sender;
  std::string sha256;     // lowercase hex
  std::string room;       // set when sent to a room
  std::string recipient;  // set when sent to one user
  std::int64_t sent_unix_ms = 0;
};

}  // namespace chatcore
