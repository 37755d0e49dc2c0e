// Builders for chatcore events, shared by the state and screen tests, so each test case
// states only the fields it is about.
#pragma once

#include <chatcore/event.h>

#include <string>

namespace chat_test {

inline chatcore::Event ev(chatcore::EventBody body, std::int64_t at = 1700000000000) {
  static std::uint64_t seq = 0;
  return chatcore::Event{++seq, at, std::move(body)};
}

inline chatcore::Event room_msg(std::uint64_t id, const std::string& room, const std::string& sender,
                                const std::string& text, bool replay = false, std::uint64_t cid = 0) {
  chatcore::RoomMessage m;
  m.message_id = id;
  m.room = room;
  m.sender = sender;
  m.text = text;
  m.replay = replay;
  m.client_msg_id = cid;
  m.sent_unix_ms = 1700000000000;
  return ev(m);
}

inline chatcore::Event dm(std::uint64_t id, const std::string& from, const std::string& to, const std::string& text,
                          std::uint64_t cid = 0) {
  return ev(chatcore::DirectMessage{id, from, to, text, cid});
}

inline chatcore::Event welcome(const std::string& nick) {
  chatcore::Welcome w;
  w.session = "s";
  w.nickname = nick;
  w.server = "chatd";
  w.limits.max_file_size = 1000;
  return ev(w);
}

inline chatcore::FileInfo file(const std::string& id, const std::string& name, std::uint64_t size,
                               const std::string& sender, const std::string& room) {
  chatcore::FileInfo f;
  f.id = id;
  f.name = name;
  f.size = size;
  f.sender = sender;
  f.room = room;
  return f;
}

}  // namespace chat_test
