// Older history paged in from the server: PgUp at the top of a room's scrollback asks for the
// page before its oldest message, once at a time, and the page goes above with the view kept.
#include "chat_keys.h"

#include <doctest/doctest.h>

using namespace chat;
using namespace chat_test;

namespace {

chatcore::RoomMessage old_msg(std::uint64_t id, const std::string& text) {
  chatcore::RoomMessage m;
  m.message_id = id;
  m.room = "general";
  m.sender = "bob";
  m.text = text;
  m.replay = true;
  m.sent_unix_ms = 1700000000000;
  return m;
}

chatcore::HistoryPage page_of(std::uint64_t from, std::uint64_t to, bool more) {
  chatcore::HistoryPage p;
  for (std::uint64_t id = from; id <= to; ++id) p.messages.push_back(old_msg(id, "old " + std::to_string(id)));
  p.more = more;
  return p;
}

// #general holding messages 100..139; PgUp until the key asks for older lines.
std::optional<HistoryFetch> page_up_to_top(Chat& c) {
  for (int i = 0; i < 50; ++i) {
    const KeyEffect e = c.press(Key::of(KeyKind::page_up));
    if (e.fetch_history) return e.fetch_history;
  }
  return std::nullopt;
}

struct Scrolled : Chat {
  Scrolled() {
    for (int i = 0; i < 40; ++i) state.apply(room_msg(100 + i, "general", "bob", "line " + std::to_string(i)));
  }
  std::string screen() {
    LineEditor e;
    return render_chat(state, e, nullptr, 12, 80).grid.text();
  }
};

}  // namespace

TEST_CASE("history: PgUp asks for older lines only once it reaches the top") {
  Scrolled c;
  const KeyEffect first = c.press(Key::of(KeyKind::page_up));
  CHECK(c.state.scroll() > 0);
  CHECK_FALSE(first.fetch_history);  // not at the top yet
  const auto want = page_up_to_top(c);
  REQUIRE(want);
  CHECK(*want == HistoryFetch{"general", 100});
  CHECK(c.state.scroll() == max_scroll(c.state, c.layout));
}

TEST_CASE("history: one request at a time, however long PgUp is held") {
  Scrolled c;
  REQUIRE(page_up_to_top(c));
  for (int i = 0; i < 20; ++i) CHECK_FALSE(c.press(Key::of(KeyKind::page_up)).fetch_history);
  CHECK_FALSE(c.press(Key::of(KeyKind::wheel_up)).fetch_history);
  c.state.prepend_history({"general", 100}, page_of(90, 99, true));
  // the page is in: the top is further up, and reaching it asks for the next one
  const auto next = page_up_to_top(c);
  REQUIRE(next);
  CHECK(*next == HistoryFetch{"general", 90});
}

TEST_CASE("history: the page goes above, marked, and the view stays on the same lines") {
  Scrolled c;
  REQUIRE(page_up_to_top(c));
  const std::string before = c.screen();
  const int scroll = c.state.scroll();
  c.state.prepend_history({"general", 100}, page_of(90, 99, true));
  CHECK(c.screen() == before);
  CHECK(c.state.scroll() == scroll);  // counted from the live end, which did not move
  const auto& lines = c.state.lines();
  CHECK(format_line(lines.front(), false) == "(history) [bob]: old 90");
  CHECK(line_attr(lines.front()) == attr_dim);
  CHECK(format_line(lines[9], false) == "(history) [bob]: old 99");
  // the next PgUp scrolls into them
  c.press(Key::of(KeyKind::page_up));
  CHECK(c.state.scroll() > scroll);
  CHECK(c.screen().find("(history) [bob]: old 9") != std::string::npos);
}

TEST_CASE("history: a line already in the buffer is never put there twice") {
  Scrolled c;
  REQUIRE(page_up_to_top(c));
  const auto n = c.state.lines().size();
  c.state.prepend_history({"general", 100}, page_of(95, 105, true));  // 100..105 are there
  CHECK(c.state.lines().size() == n + 5);
  int shown_100 = 0;
  for (const Line& l : c.state.lines()) shown_100 += l.message_id == 100;
  CHECK(shown_100 == 1);
  CHECK(format_line(c.state.lines()[4], false) == "(history) [bob]: old 99");
}

TEST_CASE("history: the last page ends it with a note at the top, and nothing more is asked") {
  Scrolled c;
  REQUIRE(page_up_to_top(c));
  c.state.prepend_history({"general", 100}, page_of(1, 99, false));
  CHECK(format_line(c.state.lines().front(), false) == "-- start of #general's history --");
  CHECK(format_line(c.state.lines()[1], false) == "(history) [bob]: old 1");
  CHECK_FALSE(page_up_to_top(c));
}

TEST_CASE("history: where retention cut it, the note says older messages are gone") {
  Scrolled c;
  REQUIRE(page_up_to_top(c));
  c.state.prepend_history({"general", 100}, page_of(60, 99, false));
  CHECK(format_line(c.state.lines().front(), false) ==
        "-- older messages of general are no longer available (before #60) --");
  CHECK_FALSE(page_up_to_top(c));
}

TEST_CASE("history: a failed page is said once, and not asked again in that session") {
  Scrolled c;
  REQUIRE(page_up_to_top(c));
  c.state.history_failed({"general", 100}, "deadline exceeded");
  CHECK(format_line(c.state.lines().front(), false) ==
        "!! could not fetch older messages of #general: deadline exceeded");
  CHECK_FALSE(page_up_to_top(c));
  chatcore::Event again = welcome("alice");
  std::get<chatcore::Welcome>(again.body).session = "s2";
  std::get<chatcore::Welcome>(again.body).rooms = {{"general", 2}};
  c.state.apply(again);  // a reconnect: the new session may serve it
  CHECK(page_up_to_top(c));
}

TEST_CASE("history: none for the lobby, while disconnected, or a page for a room since left") {
  Chat c;
  c.state.focus("");
  CHECK_FALSE(c.press(Key::of(KeyKind::page_up)).fetch_history);
  c.state.focus("general");
  c.state.connection = Connection::reconnecting;
  CHECK_FALSE(c.press(Key::of(KeyKind::page_up)).fetch_history);
  c.state.connection = Connection::connected;
  const KeyEffect e = c.press(Key::of(KeyKind::page_up));  // the buffer fits: at the top at once
  REQUIRE(e.fetch_history);
  CHECK(*e.fetch_history == HistoryFetch{"general", 0});  // nothing held: the newest page
  c.state.left_room("general");
  c.state.prepend_history(*e.fetch_history, page_of(1, 3, false));  // dropped, no crash
  CHECK(c.state.current().id.kind == BufferKind::server);
}

namespace {

chatcore::Event restart_welcome(const std::string& session) {
  chatcore::Welcome w;
  w.session = session;
  w.nickname = "alice";
  w.server = "chatd";
  w.rooms = {{"general", 2}, {"random", 1}};
  return ev(w);
}

// A message as the server sends it, live, missed or in a page: the same id and time each way.
chatcore::RoomMessage sent(std::uint64_t id, const std::string& text, bool missed) {
  chatcore::RoomMessage m = old_msg(id, text);
  m.sent_unix_ms = 1700000000000 + static_cast<std::int64_t>(id);
  m.replay = missed;
  m.missed = missed;
  return m;
}

std::vector<std::string> shown(const ChatState& s) {
  std::vector<std::string> out;
  for (const Line& l : s.lines()) out.push_back(format_line(l, false));
  return out;
}

}  // namespace

TEST_CASE("history: a fresh start asks, once caught up, for the page before what each restored room shows") {
  ChatState s;
  s.apply(restart_welcome("s1"));
  s.apply(ev(sent(50, "missed one", true)));
  const ChatState::Effect e = s.apply(ev(chatcore::CaughtUp{1, 0}));
  REQUIRE(e.fetch.size() == 2);
  CHECK(e.fetch[0] == HistoryFetch{"general", 50});
  CHECK(e.fetch[1] == HistoryFetch{"random", 0});  // nothing missed there: the newest page
  chatcore::HistoryPage page;
  for (std::uint64_t id = 47; id <= 49; ++id) page.messages.push_back(sent(id, "before " + std::to_string(id), false));
  page.more = true;
  s.prepend_history(e.fetch[0], page);
  CHECK(shown(s) == std::vector<std::string>{"(history) [bob]: before 47", "(history) [bob]: before 48",
                                             "(history) [bob]: before 49", "-- you are in #general (restored)",
                                             "(missed) [bob]: missed one", "-- caught up: 1 missed message (marked) --"});
  // the page is the one asked for: PgUp before it comes asks nothing more for #random
  s.focus("random");
  Chat keys;  // a layout and a key press on this state
  CHECK_FALSE(handle_chat_key(Key::of(KeyKind::page_up), s, keys.input, keys.completer, nullptr, keys.layout)
                  .fetch_history);
}

TEST_CASE("history: a reconnect asks for nothing, and a page never repeats a line the buffer shows") {
  ChatState s;
  s.apply(restart_welcome("s1"));
  s.apply(ev(sent(50, "missed one", true)));
  const ChatState::Effect first = s.apply(ev(chatcore::CaughtUp{1, 0}));
  REQUIRE(first.fetch.size() == 2);
  chatcore::HistoryPage general;
  general.messages = {sent(49, "before", false)};
  general.more = true;
  s.prepend_history(first.fetch[0], general);  // #general could ask again; #random's is on its way
  s.apply(restart_welcome("s2"));  // the same rooms, known: a reconnect
  s.apply(ev(sent(51, "while reconnecting", true)));
  CHECK(s.apply(ev(chatcore::CaughtUp{1, 0})).fetch.empty());
  // #random's newest page arrives late and holds what the buffer got meanwhile
  s.focus("random");
  chatcore::RoomMessage live = sent(7, "live", false);
  live.room = "random";
  s.apply(ev(live));
  chatcore::HistoryPage page;
  for (std::uint64_t id = 5; id <= 7; ++id) {
    page.messages.push_back(sent(id, id == 7 ? "live" : "older", false));
    page.messages.back().room = "random";
  }
  s.prepend_history(first.fetch[1], page);
  const auto lines = shown(s);
  CHECK(std::count(lines.begin(), lines.end(), "[bob]: live") == 1);
  CHECK(std::count(lines.begin(), lines.end(), "(history) [bob]: live") == 0);
  CHECK(std::count(lines.begin(), lines.end(), "(history) [bob]: older") == 2);
}
