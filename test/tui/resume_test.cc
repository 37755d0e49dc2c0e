// The state model on durable state: rooms restored by a Welcome, reconnects, many rooms with
// one focused, what was missed marked, caught up, and gaps in the history.
#include "events.h"
#include "key_handlers.h"
#include "render.h"
#include "state.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace chat;
using namespace chat_test;

namespace {
chatcore::Event identity_welcome(const std::string& session, std::vector<chatcore::RoomInfo> rooms) {
  chatcore::Welcome w;
  w.session = session;
  w.nickname = "alice";
  w.server = "chatd";
  w.guest = false;
  w.rooms = std::move(rooms);
  return ev(w);
}
chatcore::Event missed_msg(std::uint64_t id, const std::string& room, const std::string& text) {
  chatcore::RoomMessage m;
  m.message_id = id;
  m.room = room;
  m.sender = "bob";
  m.text = text;
  m.replay = true;
  m.missed = true;
  m.sent_unix_ms = 1700000000000 + static_cast<std::int64_t>(id);
  return ev(m);
}
std::vector<std::string> names(const ChatState& s) {
  std::vector<std::string> out;
  for (const auto& r : s.rooms()) out.push_back(r.name);
  return out;
}
std::string last(const ChatState& s) { return format_line(s.lines().back(), false); }
std::string status_row(const ChatState& s) {
  LineEditor e;
  const Frame f = render_chat(s, e, nullptr, 12, 80);
  return f.grid.row_text(10);
}
}  // namespace

TEST_CASE("a Welcome restores the identity's rooms and shows the first") {
  ChatState s;
  s.apply(identity_welcome("s1", {{"general", 3}, {"random", 1}}));
  CHECK(names(s) == std::vector<std::string>{"", "general", "random"});
  CHECK(s.room() == "general");
  CHECK(last(s) == "-- you are in #general (restored)");
  CHECK(s.rooms()[1].members == 3);
}

TEST_CASE("an identity is catching up from its Welcome until CaughtUp; a guest is not") {
  ChatState s;
  s.server = "127.0.0.1:1";
  s.apply(identity_welcome("s1", {{"general", 2}}));
  CHECK_FALSE(s.caught_up);
  CHECK(status_row(s).find("| connected, catching up | #general") != std::string::npos);
  s.apply(missed_msg(5, "general", "while you were away"));
  CHECK(last(s) == "(missed) [bob]: while you were away");
  s.apply(ev(chatcore::CaughtUp{1, 0}));
  CHECK(s.caught_up);
  CHECK(last(s) == "-- caught up: 1 missed message (marked) --");
  CHECK(status_row(s).find("| connected | #general") != std::string::npos);
  ChatState guest;
  guest.apply(welcome("bob"));
  CHECK(guest.caught_up);
}

TEST_CASE("missed messages elsewhere count as unread and never ring; missed DMs are marked") {
  ChatState s;
  s.apply(identity_welcome("s1", {{"general", 2}, {"random", 2}}));
  chatcore::RoomMessage m = std::get<chatcore::RoomMessage>(missed_msg(7, "random", "hey alice").body);
  CHECK_FALSE(s.apply(ev(m)).bell);
  CHECK(s.rooms()[2].unread == 1);
  chatcore::DirectMessage d{9, "carol", "alice", "call me", 0, 1700000000000, true};
  CHECK_FALSE(s.apply(ev(d)).bell);
  CHECK(s.dms()[0].unread == 1);
  s.focus(BufferId::dm("carol"));
  CHECK(last(s) == "(missed) [DM from carol]: call me");
}

TEST_CASE("a reconnect: an identity's rooms come from the server; a guest's are joined again") {
  ChatState s;
  s.server = "127.0.0.1:1";
  s.apply(identity_welcome("s1", {{"general", 2}, {"random", 2}}));
  s.focus("random");
  auto effect = s.apply(identity_welcome("s2", {{"random", 2}}));
  CHECK(effect.rejoin.empty());
  CHECK(names(s) == std::vector<std::string>{"", "random"});
  CHECK(s.room() == "random");
  CHECK(last(s) == "-- reconnected to 127.0.0.1:1; back in #random");
  // the lobby keeps the same one line
  REQUIRE(s.focus(BufferId::server()));
  CHECK(last(s) == "-- reconnected to 127.0.0.1:1; back in #random");
  CHECK(std::count_if(s.lines().begin(), s.lines().end(), [](const Line& l) {
          return l.text.starts_with("reconnected to");
        }) == 1);
  s.focus("random");
  s.apply(identity_welcome("s3", {}));
  CHECK(names(s) == std::vector<std::string>{""});
  CHECK(format_line(s.lines()[s.lines().size() - 2], false) ==
        "!! the server no longer counts you in #random; /join to go back");

  ChatState g;
  g.apply(welcome("bob"));
  g.entered_room({"general", 2});
  g.entered_room({"random", 2});
  chatcore::Welcome again = std::get<chatcore::Welcome>(welcome("bob").body);
  again.session = "another";
  effect = g.apply(ev(again));
  CHECK(effect.rejoin == std::vector<std::string>{"general", "random"});
  CHECK(names(g) == std::vector<std::string>{"", "general", "random"});  // listed while rejoining
  CHECK(g.room() == "random");
  // The same Welcome again (login's copy and the event) changes nothing.
  CHECK(g.apply(ev(again)).rejoin.empty());
}

TEST_CASE("many rooms: join focuses, Ctrl-N/Ctrl-P cycle, leave moves to a neighbour") {
  ChatState s;
  s.apply(welcome("alice"));
  s.entered_room({"a", 1});
  s.entered_room({"b", 1});
  s.entered_room({"c", 1});
  CHECK(s.room() == "c");
  LineEditor input;
  Completer completer;
  const Layout layout = compute_layout(24, 80, 0);
  handle_chat_key(Key::of(KeyKind::next_room), s, input, completer, nullptr, layout);
  CHECK(s.room().empty());  // around to the lobby
  handle_chat_key(Key::of(KeyKind::prev_room), s, input, completer, nullptr, layout);
  CHECK(s.room() == "c");
  handle_chat_key(Key::of(KeyKind::prev_room), s, input, completer, nullptr, layout);
  CHECK(s.room() == "b");
  s.apply(room_msg(1, "a", "bob", "in a"));
  CHECK(s.rooms()[1].unread == 1);
  s.left_room("b");
  CHECK(s.room() == "c");
  CHECK(last(s) == "-- you left #b; now in #c");
  s.left_room("c");
  CHECK(s.room() == "a");
  CHECK(s.rooms()[1].unread == 0);  // shown now
  // The server took the user out of a room (a leave from another client of the identity).
  s.apply(ev(chatcore::MemberLeft{"a", "alice", 0, "left"}));
  CHECK(names(s) == std::vector<std::string>{""});
  CHECK(s.room().empty());
  CHECK(last(s).find("you are in the lobby") != std::string::npos);
}

TEST_CASE("a replayed message is shown once; a reused id from a server that lost its history is not a repeat") {
  ChatState s;
  s.apply(welcome("alice"));
  s.entered_room({"general", 2});
  s.apply(room_msg(1, "general", "bob", "first life"));
  const auto n = s.lines().size();
  s.apply(room_msg(1, "general", "bob", "first life", true));
  CHECK(s.lines().size() == n);
  chatcore::RoomMessage reborn = std::get<chatcore::RoomMessage>(room_msg(1, "general", "carol", "new life").body);
  reborn.sent_unix_ms += 60000;
  s.apply(ev(reborn));
  CHECK(last(s) == "[carol]: new life");
}

TEST_CASE("a history gap is a visible line in its room") {
  ChatState s;
  s.apply(identity_welcome("s1", {{"general", 2}}));
  s.apply(ev(chatcore::HistoryGap{"general", 3, 120}));
  CHECK(last(s) == "-- older messages of general are no longer available (before #120) --");
  s.apply(ev(chatcore::HistoryGap{"", 0, 40}));
  CHECK(last(s) == "-- older messages of direct messages are no longer available (before #40) --");
}

TEST_CASE("a takeover by another client of the same identity is told apart from a shutdown") {
  ChatState s;
  s.apply(identity_welcome("s1", {{"general", 2}}));
  CHECK(s.apply(ev(chatcore::ShutdownNotice{"signed in from another client", true})).shutdown);
  CHECK(last(s) == "!! you signed in from another client; this window stops here (/quit leaves)");
}
