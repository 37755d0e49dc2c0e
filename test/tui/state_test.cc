// The state model: events, own lines and their echoes, rooms, DMs, files, scrollback.
#include "events.h"
#include "command.h"
#include "state.h"

#include <doctest/doctest.h>

using namespace chat;
using namespace chat_test;

namespace {
ChatState in_room(const std::string& room) {
  ChatState s;
  s.apply(welcome("alice"));
  s.entered_room({room, 2});
  return s;
}
std::string last(const ChatState& s) { return format_line(s.lines().back(), false); }
}  // namespace

TEST_CASE("welcome sets identity and limits") {
  ChatState s;
  s.apply(welcome("alice"));
  CHECK(s.nick == "alice");
  CHECK(s.server_name == "chatd");
  CHECK(s.limits.max_file_size == 1000);
  CHECK(s.connection == Connection::connected);
}

TEST_CASE("room messages, joins and leaves are formatted as the spec says") {
  ChatState s = in_room("general");
  s.apply(room_msg(1, "general", "bob", "hello"));
  CHECK(last(s) == "[bob]: hello");
  s.apply(ev(chatcore::MemberJoined{"general", "carol", 3}));
  CHECK(last(s) == "* carol joined");
  CHECK(s.rooms()[1].members == 3);
  s.apply(ev(chatcore::MemberLeft{"general", "carol", 2, "left"}));
  CHECK(last(s) == "* carol left");
  s.apply(ev(chatcore::MemberLeft{"general", "bob", 1, "disconnected"}));
  CHECK(last(s) == "* bob left (disconnected)");
  const auto n = s.lines().size();
  s.apply(ev(chatcore::MemberJoined{"general", "alice", 2}));  // our own join is not news
  CHECK(s.lines().size() == n);
}

TEST_CASE("own messages show at once and their echo is not shown twice") {
  ChatState s = in_room("general");
  s.add_own_message("hi all", 7);
  CHECK(last(s) == "[alice]: hi all");
  const auto n = s.lines().size();
  s.apply(room_msg(10, "general", "alice", "hi all", false, 7));
  CHECK(s.lines().size() == n);
  s.apply(room_msg(10, "general", "alice", "hi all", false, 7));  // and again: seen id
  CHECK(s.lines().size() == n);
}

TEST_CASE("a message the server refused is marked as not sent") {
  ChatState s = in_room("general");
  s.add_own_message("too fast", 3);
  s.mark_not_sent(3);
  CHECK(last(s) == "[alice]: too fast (not sent)");
  CHECK(line_attr(s.lines().back()) == attr_error);
}

TEST_CASE("replayed history is marked, and a repeated replay adds nothing") {
  ChatState s = in_room("general");
  s.apply(ev(chatcore::HistoryReplay{"general", 2}));
  CHECK(last(s) == "-- 2 earlier messages (history) --");
  s.apply(room_msg(1, "general", "bob", "old", true));
  CHECK(last(s) == "(history) [bob]: old");
  CHECK(line_attr(s.lines().back()) == attr_dim);
  const auto n = s.lines().size();
  s.apply(room_msg(1, "general", "bob", "old", true));
  CHECK(s.lines().size() == n);
}

TEST_CASE("history that arrives before the join reply stays in one piece below the note") {
  ChatState s = in_room("general");
  s.apply(ev(chatcore::HistoryReplay{"random", 2}));
  s.apply(room_msg(1, "random", "bob", "one", true));
  s.entered_room({"random", 2});
  s.apply(room_msg(2, "random", "bob", "two", true));
  const auto& lines = s.lines();
  REQUIRE(lines.size() == 4);
  CHECK(format_line(lines[0], false) == "-- you are in #random (2 members)");
  CHECK(format_line(lines[1], false) == "-- 2 earlier messages (history) --");
  CHECK(format_line(lines[2], false) == "(history) [bob]: one");
  CHECK(format_line(lines[3], false) == "(history) [bob]: two");
}

TEST_CASE("a mention is highlighted and rings the bell; replayed mentions do not ring") {
  ChatState s = in_room("general");
  CHECK(s.apply(room_msg(1, "general", "bob", "hey Alice, look")).bell);
  CHECK(s.lines().back().mention);
  CHECK(line_attr(s.lines().back()) == attr_highlight);
  CHECK_FALSE(s.apply(room_msg(2, "general", "bob", "malice aforethought")).bell);
  CHECK_FALSE(s.apply(room_msg(3, "general", "bob", "alice?", true)).bell);
  CHECK(mentions("@alice: hi", "alice"));
  CHECK_FALSE(mentions("alicex", "alice"));
}

TEST_CASE("a DM goes to its partner's buffer, counted and marked until that buffer is viewed") {
  ChatState s = in_room("general");
  CHECK(s.apply(dm(1, "bob", "alice", "psst")).bell);
  CHECK(last(s) == "-- you are in #general (2 members)");  // not in the room on screen
  s.apply(dm(2, "carol", "alice", "hi"));
  s.apply(dm(3, "bob", "alice", "again"));
  REQUIRE(s.dms().size() == 2);
  CHECK(s.dms()[0].partner == "bob");
  CHECK(s.dms()[0].unread == 2);
  CHECK(s.dms()[1].partner == "carol");
  const Buffer* bob = s.buffers().find(BufferId::dm("bob"));
  const Buffer* carol = s.buffers().find(BufferId::dm("carol"));
  REQUIRE(bob != nullptr);
  REQUIRE(carol != nullptr);
  CHECK(bob->highlight);
  CHECK(format_line(bob->lines.back(), false) == "[DM from bob]: again");
  s.add_own_dm("carol", "yo", 5);
  CHECK(last(s) == "[DM to carol]: yo");  // shown where it was sent from, too
  CHECK(carol->lines.size() == 2);
  CHECK(s.dms()[0].partner == "carol");
  CHECK(s.dms()[0].unread == 1);  // replying is not reading
  s.apply(dm(4, "alice", "carol", "yo", 5));  // echo of our own DM
  CHECK(carol->lines.size() == 2);
  s.apply(dm(6, "alice", "bob", "quick", 9));  // the echo can come before the send returns
  const auto n = s.lines().size();
  s.add_own_dm("bob", "quick", 9);
  CHECK(s.lines().size() == n + 1);  // still shown where it was sent from
  CHECK(last(s) == "[DM to bob]: quick");
  CHECK(bob->lines.size() == 3);
  CHECK(s.dms()[0].partner == "bob");
  CHECK(s.focus(BufferId::dm("bob")));
  CHECK(last(s) == "[DM to bob]: quick");
  CHECK(s.dms()[0].unread == 0);
  CHECK_FALSE(bob->highlight);
  s.entered_room({"other", 1});
  s.apply(dm(5, "bob", "alice", "where are you"));
  CHECK(format_line(bob->lines.back(), false) == "[DM from bob]: where are you");
  CHECK(s.room() == "other");
}

TEST_CASE("messages for another room count as unread there") {
  ChatState s = in_room("random");
  s.entered_room({"general", 2});
  s.set_rooms({{"general", 2}, {"random", 4}});
  s.apply(room_msg(1, "random", "bob", "elsewhere"));
  REQUIRE(s.rooms().size() == 3);
  CHECK(s.rooms()[0].name.empty());  // the lobby first
  CHECK(s.rooms()[2].name == "random");
  CHECK(s.rooms()[2].unread == 1);
  CHECK(s.rooms()[2].members == 4);
  CHECK(last(s) != "[bob]: elsewhere");
  s.entered_room({"random", 4});
  CHECK(s.rooms()[2].unread == 0);
  CHECK(format_line(s.lines()[s.lines().size() - 2], false) == "[bob]: elsewhere");
}

TEST_CASE("nick changes rename the user and DM partners") {
  ChatState s = in_room("general");
  s.apply(dm(1, "bob", "alice", "x"));
  s.apply(ev(chatcore::NickChanged{"bob", "robert", "general"}));
  CHECK(last(s) == "* bob is now known as robert");
  CHECK(s.dms()[0].partner == "robert");
  s.apply(ev(chatcore::NickChanged{"alice", "alicia", ""}));
  CHECK(s.nick == "alicia");
}

TEST_CASE("file notices name the file, its size, sender and the id for /download") {
  ChatState s = in_room("general");
  s.apply(ev(chatcore::FileNotice{file("f-123", "report.pdf", 2048, "bob", "general")}));
  CHECK(last(s) == "* FILE report.pdf (2.0 KiB) from bob -- /download f-123");
  auto direct = file("f-9", "a.txt", 3, "bob", "");
  direct.recipient = "alice";
  CHECK(s.apply(ev(chatcore::FileNotice{direct})).bell);
  // files between two people go to their DM buffer, marked there
  const Buffer* bob = s.buffers().find(BufferId::dm("bob"));
  REQUIRE(bob != nullptr);
  CHECK(bob->highlight);
  CHECK(format_line(bob->lines.back(), false) == "* FILE a.txt (3 B) from bob (to you) -- /download f-9");
  auto mine = file("f-10", "b.txt", 3, "alice", "");
  mine.recipient = "bob";
  CHECK_FALSE(s.apply(ev(chatcore::FileNotice{mine})).bell);
  CHECK(format_line(bob->lines.back(), false) == "* FILE b.txt (3 B) from alice (to bob) -- /download f-10");
  CHECK(bob->unread == 1);
}

TEST_CASE("/download resolves an id, a number from /files, or a unique name") {
  ChatState s = in_room("general");
  s.remember_files({file("id-a", "a.txt", 1, "bob", "general"), file("id-b", "b.txt", 1, "bob", "general"),
                    file("id-c", "b.txt", 2, "carol", "general")},
                   true);
  CHECK(std::get<chatcore::FileInfo>(s.resolve_file("2")).id == "id-b");
  CHECK(std::get<chatcore::FileInfo>(s.resolve_file("id-c")).id == "id-c");
  CHECK(std::get<chatcore::FileInfo>(s.resolve_file("a.txt")).id == "id-a");
  CHECK(std::get<std::string>(s.resolve_file("b.txt")).find("several files") == 0);
  CHECK(std::get<std::string>(s.resolve_file("9")).find("no file number 9") == 0);
  CHECK(std::get<chatcore::FileInfo>(s.resolve_file("unknown-id")).id == "unknown-id");
}

TEST_CASE("scrolling up keeps the view still while lines arrive; End returns") {
  ChatState s = in_room("general");
  s.set_message_width(40);
  for (int i = 0; i < 50; ++i) s.apply(room_msg(100 + i, "general", "bob", "line " + std::to_string(i)));
  s.scroll_by(10);
  CHECK(s.scroll() == 10);
  s.apply(room_msg(200, "general", "bob", "new"));
  CHECK(s.scroll() == 11);
  CHECK(s.unseen() == 1);
  s.to_live();
  CHECK(s.scroll() == 0);
  CHECK(s.unseen() == 0);
  s.scroll_by(-5);
  CHECK(s.scroll() == 0);
}

TEST_CASE("a shutdown notice is shown and reported") {
  ChatState s = in_room("general");
  CHECK(s.apply(ev(chatcore::ShutdownNotice{"maintenance"})).shutdown);
  CHECK(last(s) == "!! the server is shutting down: maintenance");
  // chatd's default reason is the same words: said once
  s.apply(ev(chatcore::ShutdownNotice{"the server is shutting down"}));
  CHECK(last(s) == "!! the server is shutting down");
  s.apply(ev(chatcore::ShutdownNotice{""}));
  CHECK(last(s) == "!! the server is shutting down");
}

TEST_CASE("/clear empties the buffer on screen only, and a replay of what it held stays out") {
  ChatState s = in_room("general");
  s.entered_room({"random", 2});
  s.apply(room_msg(1, "general", "bob", "in general"));
  s.focus("general");
  s.apply(room_msg(2, "general", "bob", "seen"));
  s.clear_buffer();
  CHECK(s.lines().empty());
  s.apply(room_msg(2, "general", "bob", "seen", true));  // replayed after a rejoin
  CHECK(s.lines().empty());
  s.focus("random");
  CHECK_FALSE(s.lines().empty());
}

TEST_CASE("/set timestamps and nicklist on or off; anything else is refused with the names it knows") {
  ChatState s = in_room("general");
  CHECK(s.set_option("timestamps", "on").empty());
  CHECK(s.show_time);
  CHECK(last(s) == "-- timestamps on");
  CHECK(s.set_option("nicklist", "off").empty());
  CHECK_FALSE(s.show_nicks);
  CHECK(s.set_option("timestamps", "maybe") == "/set timestamps: on or off");
  CHECK(s.set_option("colour", "on") == "/set: no option colour (timestamps, nicklist, colours)");
  CHECK(s.show_time);
  CHECK(std::get<Command>(parse_command("/set timestamps off")).args == std::vector<std::string>{"timestamps", "off"});
  CHECK(std::get<CommandError>(parse_command("/set timestamps")).message == "usage: /set timestamps|nicklist|colours on|off");
}

TEST_CASE("notices: a topic goes to its room's title and buffer, away shows in the nick list, an away reply in the DM buffer") {
  ChatState s = in_room("general");
  chatcore::UserInfo bob;
  bob.nickname = "bob";
  s.set_nicks("general", {bob});
  chatcore::Event topic;
  topic.notice = chatcore::TopicChanged{"general", "release on friday", "bob"};
  s.notice(topic);
  CHECK(s.current().topic == "release on friday");
  CHECK(last(s) == "-- bob set the topic: release on friday");
  chatcore::Event away;
  away.notice = chatcore::PresenceChanged{"bob", chatcore::Presence::away, "lunch"};
  s.notice(away);
  REQUIRE(s.current().nicks.size() == 1);
  CHECK(s.current().nicks[0].away);
  chatcore::Event reply;
  reply.notice = chatcore::AwayNotice{"bob", "lunch"};
  s.notice(reply);
  REQUIRE(s.buffers().find(BufferId::dm("bob")) != nullptr);
  CHECK(format_line(s.buffers().find(BufferId::dm("bob"))->lines.back(), false) == "-- bob is away: lunch");
  CHECK(last(s) == "-- bob is away: lunch");  // where the DM was sent from, too
  chatcore::Event cleared;
  cleared.notice = chatcore::TopicChanged{"general", "", "carol"};
  s.notice(cleared);
  CHECK(s.current().topic.empty());
  CHECK(last(s) == "-- carol cleared the topic");
}

TEST_CASE("/me: an action is shown as '* nick does', in a room and in a DM, its echo once") {
  ChatState s = in_room("general");
  chatcore::RoomMessage m = std::get<chatcore::RoomMessage>(room_msg(1, "general", "bob", "waves").body);
  m.kind = chatcore::MessageKind::action;
  s.apply(ev(m));
  CHECK(last(s) == "* bob waves");
  CHECK(nick_span(s.lines().back(), true) == std::pair{6 + 2, 3});  // HH:MM, "* "
  s.add_own_message("nods", 4, true);
  CHECK(last(s) == "* alice nods");
  const auto n = s.lines().size();
  chatcore::RoomMessage echo = std::get<chatcore::RoomMessage>(room_msg(2, "general", "alice", "nods", false, 4).body);
  echo.kind = chatcore::MessageKind::action;
  s.apply(ev(echo));
  CHECK(s.lines().size() == n);
  chatcore::DirectMessage d{3, "bob", "alice", "shrugs", 0};
  d.kind = chatcore::MessageKind::action;
  s.apply(ev(d));
  CHECK(format_line(s.buffers().find(BufferId::dm("bob"))->lines.back(), false) == "[DM] * bob shrugs");
}
