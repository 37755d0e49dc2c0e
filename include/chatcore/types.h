// Plain descriptions of rooms, users, files and server limits, shared by the server library,
// the client class and the TUI; they mirror the messages of chatcore.v1 without protobuf.
#pragma once

#include <cstdint>
#include <string>

namespace chatcore {

struct Limits {
  std::uint64_t max_file_size = 1ull << 30;  // 1 GiB
  std::uint32_t chunk_size = 64 * 1024;
  std::uint32_t max_message_bytes = 4096;
  std::uint32_t history = 100;  // room messages replayed on join
};

struct RoomInfo {
  std::string name;  // empty = the lobby
  std::uint32_t members = 0;
};

struct UserInfo {
  std::string nickname;
  std::string room;  // empty = the lobby
};

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
