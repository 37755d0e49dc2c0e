// Screen tests: the renderer at a fixed size, compared as text (and attributes where it matters).
#include "cells.h"
#include "events.h"
#include "render.h"
#include "key_handlers.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <set>
#include <fstream>
#include <stdlib.h>

using namespace chat;
using namespace chat_test;

namespace {

chatcore::UserInfo member(const std::string& nick, bool online) {
  chatcore::UserInfo u;
  u.nickname = nick;
  u.room = "general";
  u.online = online;
  return u;
}

ChatState sample() {
  ChatState s;
  s.server = "127.0.0.1:50051";
  s.apply(welcome("alice"));
  s.entered_room({"random", 1});  // the side pane lists the rooms one is in
  s.entered_room({"general", 3});
  s.apply(room_msg(1, "general", "bob", "hello alice"));
  s.apply(dm(2, "carol", "alice", "psst"));
  s.set_nicks("general", {member("carol", false), member("bob", true), member("alice", true)});
  return s;
}

std::vector<std::string> rows_of(const Frame& f) {
  std::vector<std::string> rows;
  for (int r = 0; r < f.grid.rows(); ++r) rows.push_back(f.grid.row_text(r));
  return rows;
}

}  // namespace

TEST_CASE("the split-pane screen at 80x16: hotlist, messages, nick list") {
  ChatState s = sample();
  s.apply(room_msg(3, "random", "dave", "over here"));
  LineEditor e;
  e.set_text("typing 한국어");
  const Frame f = render_chat(s, e, nullptr, 16, 80);
  const std::string expected =
      " chatcore | #general (3 members)\n"
      " Buffers          │                                          │ Nicks (3)\n"
      " 1 lobby          │                                          │ alice\n"
      ">2 #general       │                                          │ bob\n"
      " 3 #random      +1│                                          │ carol (off)\n"
      " 4 @carol      +1!│                                          │\n"
      "                  │                                          │\n"
      "                  │                                          │\n"
      "                  │                                          │\n"
      "                  │                                          │\n"
      "                  │                                          │\n"
      "                  │                                          │\n"
      "                  │-- you are in #general (3 members)        │\n"
      "                  │[bob]: hello alice                        │\n"
      " alice @ 127.0.0.1:50051 (chatd) | connected | #general\n"
      "[#general] typing 한국어\n";
  CHECK(f.grid.text() == expected);
  CHECK(f.cursor_row == 15);
  CHECK(f.cursor_col == 11 + 7 + 6);  // label, "typing ", three wide characters
  // the mention of alice is highlighted across the pane; the bars are reversed
  CHECK((f.grid.at(13, 19).attr & attr_highlight) != 0);
  CHECK((f.grid.at(14, 70).attr & attr_reverse) != 0);
  CHECK((f.grid.at(3, 1).attr & attr_reverse) != 0);  // the buffer on screen
  // a DM's count is marked and highlighted; a plain unread count is bold only
  CHECK((f.grid.at(5, 16).attr & attr_highlight) != 0);
  CHECK((f.grid.at(4, 16).attr & attr_highlight) == 0);
  CHECK((f.grid.at(4, 16).attr & attr_bold) != 0);
  CHECK((f.grid.at(4, 62).attr & attr_dim) != 0);  // carol is offline
  CHECK((f.grid.at(3, 62).attr & attr_dim) == 0);
}

TEST_CASE("switching buffers: each keeps its lines and scroll position; viewing clears the count") {
  ChatState s = sample();
  for (int i = 0; i < 30; ++i) s.apply(room_msg(100 + i, "general", "bob", fmt::format("n{}", i)));
  LineEditor e;
  Completer c;
  const Layout layout = chat_layout(s, 16, 80);
  s.set_message_width(layout.messages.cols);
  handle_chat_key(Key::of(KeyKind::page_up), s, e, c, nullptr, layout);
  const int scrolled = s.scroll();
  CHECK(scrolled > 0);
  CHECK(handle_chat_key(Key{KeyKind::buffer_number, U'4'}, s, e, c, nullptr, layout).redraw);
  auto rows = rows_of(render_chat(s, e, nullptr, 16, 80));
  CHECK(rows[0] == " chatcore | DM with carol");
  CHECK(rows[5] == ">4 @carol         │");
  CHECK(rows[13] == "                  │[DM from carol]: psst");  // no nick list for a DM
  CHECK(rows[15] == "[@carol]");
  CHECK(s.scroll() == 0);
  handle_chat_key(Key::of(KeyKind::prev_room), s, e, c, nullptr, layout);  // Alt-Left
  CHECK(s.room() == "random");
  handle_chat_key(Key{KeyKind::buffer_number, U'2'}, s, e, c, nullptr, layout);
  CHECK(s.scroll() == scrolled);  // where it was left
  rows = rows_of(render_chat(s, e, nullptr, 16, 80));
  CHECK(rows[13].find("-- scrolled up; End returns to live --") != std::string::npos);
  CHECK_FALSE(handle_chat_key(Key{KeyKind::buffer_number, U'0'}, s, e, c, nullptr, layout).redraw);  // no tenth
  CHECK(s.room() == "general");
}

TEST_CASE("Alt-A goes to the buffer with a mention or a DM first, then to one with unread lines") {
  ChatState s = sample();
  s.focus_number(1);
  s.apply(room_msg(3, "random", "dave", "over here"));
  LineEditor e;
  Completer c;
  const Layout layout = chat_layout(s, 16, 80);
  handle_chat_key(Key::of(KeyKind::next_active), s, e, c, nullptr, layout);
  CHECK(s.current().id == BufferId::dm("carol"));
  handle_chat_key(Key::of(KeyKind::next_active), s, e, c, nullptr, layout);
  CHECK(s.room() == "random");
  CHECK_FALSE(handle_chat_key(Key::of(KeyKind::next_active), s, e, c, nullptr, layout).redraw);  // nothing left
  const auto rows = rows_of(render_chat(s, e, nullptr, 16, 80));
  for (int r = 2; r < 6; ++r) CHECK(rows[r].find('+') == std::string::npos);
}

TEST_CASE("Alt-N hides the nick list and the messages take its place") {
  ChatState s = sample();
  LineEditor e;
  Completer c;
  handle_chat_key(Key::of(KeyKind::toggle_nicks), s, e, c, nullptr, chat_layout(s, 16, 80));
  const auto rows = rows_of(render_chat(s, e, nullptr, 16, 80));
  CHECK(rows[1] == " Buffers          │");
  CHECK(rows[13] == "                  │[bob]: hello alice");
}

TEST_CASE("/close on a room asks first: y leaves, any other key keeps it") {
  ChatState s = sample();
  LineEditor e;
  Completer c;
  const Layout layout = chat_layout(s, 16, 80);
  s.confirm_close = "general";
  CHECK(rows_of(render_chat(s, e, nullptr, 16, 80))[15] == "leave #general? y/n");
  CHECK_FALSE(handle_chat_key(Key::character(U'n'), s, e, c, nullptr, layout).submit);
  CHECK(s.confirm_close.empty());
  CHECK(format_line(s.lines().back(), false) == "-- still in #general");
  CHECK(e.text().empty());  // the answer is not typed into the line
  s.confirm_close = "general";
  const KeyEffect yes = handle_chat_key(Key::character(U'y'), s, e, c, nullptr, layout);
  REQUIRE(yes.submit);
  CHECK(*yes.submit == "/leave general");
}

TEST_CASE("below 60 columns the sidebars are hidden, and a resize redraws from the layout") {
  ChatState s = sample();
  LineEditor e;
  const Frame narrow = render_chat(s, e, nullptr, 8, 50);
  const auto rows = rows_of(narrow);
  CHECK(rows[0] == " chatcore | #general (3 members)");
  CHECK(rows[4] == "-- you are in #general (3 members)");
  CHECK(rows[5] == "[bob]: hello alice");
  CHECK(narrow.grid.text().find("│") == std::string::npos);
  CHECK(narrow.grid.text().find("Buffers") == std::string::npos);
  const Frame wide = render_chat(s, e, nullptr, 8, 100);
  CHECK(wide.grid.row_text(1).find("Buffers") == 1);
  CHECK(render_chat(s, e, nullptr, 4, 100).grid.row_text(0) == "terminal too small");
}

TEST_CASE("network text is drawn inert and Hangul/emoji wrap by cells") {
  ChatState s = sample();
  s.apply(room_msg(5, "general", "mallory", "\x1b[2J\x1b]0;owned\x07 bye"));
  s.apply(room_msg(6, "general", "민수", "안녕하세요 여러분 반갑습니다 😀😀 좋은 아침"));
  LineEditor e;
  const Frame f = render_chat(s, e, nullptr, 10, 40);
  const auto rows = rows_of(f);
  CHECK(f.grid.text().find('\x1b') == std::string::npos);
  CHECK(f.grid.text().find('\x07') == std::string::npos);
  CHECK(rows[5] == "[mallory]: ^[[2J^[]0;owned^G bye");
  CHECK(rows[6] == "[민수]: 안녕하세요 여러분 반갑습니다");
  CHECK(rows[7] == "  😀😀 좋은 아침");
  for (int r = 0; r < f.grid.rows(); ++r) CHECK(text_width(rows[static_cast<std::size_t>(r)]) <= 40);
}

TEST_CASE("a wrapped line holding a ZWJ family and a flag keeps its right border in place") {
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
  const std::string flag = "\U0001F1F0\U0001F1F7";
  ChatState s = sample();
  s.apply(room_msg(7, "general", "bob",
                   "our family " + family + " says hello from " + flag + " and wraps on and on " +
                       family + flag + family + " until the pane ends " + flag));
  LineEditor e;
  const Frame f = render_chat(s, e, nullptr, 16, 80);
  int border = -1;
  for (int c = 19; c < f.grid.cols(); ++c) {
    if (f.grid.at(1, c).glyph == "│") border = c;
  }
  REQUIRE(border > 19);
  int families = 0;
  int flags = 0;
  for (int r = 1; r < 14; ++r) {
    CHECK(f.grid.at(r, border).glyph == "│");
    for (int c = 19; c < border; ++c) {
      const Cell& cell = f.grid.at(r, c);
      if (cell.glyph == family || cell.glyph == flag) {
        (cell.glyph == family ? families : flags) += 1;
        CHECK(f.grid.at(r, c + 1).glyph.empty());  // drawn as one glyph two cells wide
      }
    }
  }
  CHECK(families == 3);
  CHECK(flags == 3);
}

TEST_CASE("scrolled up: older lines, a note about new ones, End returns to live") {
  ChatState s = sample();
  for (int i = 0; i < 30; ++i) s.apply(room_msg(100 + i, "general", "bob", fmt::format("n{}", i)));
  LineEditor e;
  const Layout layout = compute_layout(10, 50, 0);
  s.set_message_width(layout.messages.cols);
  s.scroll_by(layout.messages.rows - 1);  // one page
  s.apply(room_msg(200, "general", "bob", "fresh"));
  Frame f = render_chat(s, e, nullptr, 10, 50);
  auto rows = rows_of(f);
  CHECK(rows[1] == "[bob]: n18");
  CHECK(rows[6] == "[bob]: n23");
  CHECK(rows[7] == " -- 1 new below; End returns to live --");
  s.to_live();
  rows = rows_of(render_chat(s, e, nullptr, 10, 50));
  CHECK(rows[7] == "[bob]: fresh");
  s.scroll_by(10000);
  s.clamp_scroll(max_scroll(s, layout));
  rows = rows_of(render_chat(s, e, nullptr, 10, 50));
  CHECK(rows[1] == "-- you are in #general (3 members)");
}

TEST_CASE("timestamps toggle with /time") {
  ChatState s = sample();
  s.show_time = true;
  LineEditor e;
  const auto rows = rows_of(render_chat(s, e, nullptr, 8, 50));
  CHECK(rows[4].starts_with("      -- you are in"));
  CHECK(rows[5].size() > 6);
  CHECK(rows[5][2] == ':');
  CHECK(rows[5].substr(5) == " [bob]: hello alice");
}

TEST_CASE("transfer bars appear above the status bar, one per transfer") {
  ChatState s = sample();
  Transfer up;
  up.name = "report.pdf";
  up.update(512, 2048, 0);
  Transfer down;
  down.upload = false;
  down.name = "photo.jpg";
  down.update(100, 100, 0);
  s.transfers[1] = up;
  s.transfers[2] = down;
  LineEditor e;
  const auto rows = rows_of(render_chat(s, e, nullptr, 12, 80));
  CHECK(rows[10].starts_with(" alice @"));
  CHECK(rows[8].starts_with("↑ report.pdf "));
  CHECK(rows[8] == "↑ report.pdf       [##......]  25%        512 B/2.0 KiB        0 B/s  ETA --");
  CHECK(rows[9].starts_with("↓ photo.jpg "));
  CHECK(rows[8].find('[') == rows[9].find('['));  // bars line up
  CHECK(rows[9] == "↓ photo.jpg        [########] 100%          100 B/100 B        0 B/s  ETA --");
  CHECK(rows[7].find("[bob]: hello alice") != std::string::npos);
}

TEST_CASE("the path prompt replaces the input line and lists candidates over the messages") {
  ChatState s = sample();
  PathPrompt p(PathPrompt::Purpose::read, "Upload to #general", "/nonexistent-dir-for-test/x", 100);
  p.complete();
  LineEditor e;
  const Frame f = render_chat(s, e, &p, 10, 80);
  const auto rows = rows_of(f);
  CHECK(rows[9] == "Upload to #general: /nonexistent-dir-for-test/x");
  CHECK(rows[7] == " Upload to #general: no such file -- cannot list /nonexistent-dir-for-test/");
  CHECK(f.cursor_col == static_cast<int>(rows[9].size()));
}

TEST_CASE("ambiguous completions are listed above the prompt line") {
  namespace fs = std::filesystem;
  std::string tmpl = (fs::temp_directory_path() / "chat-screen-XXXXXX").string();
  const fs::path dir = mkdtemp(tmpl.data());
  for (const char* name : {"alpha.txt", "alps.jpg", "beta"}) std::ofstream(dir / name) << "x";
  fs::create_directory(dir / "album");
  ChatState s = sample();
  PathPrompt p(PathPrompt::Purpose::read, "Upload to #general", dir.string() + "/al", 100);
  p.handle_key(Key::of(KeyKind::tab));
  LineEditor e;
  const auto rows = rows_of(render_chat(s, e, &p, 10, 80));
  fs::remove_all(dir);
  CHECK(rows[6] == " album/  alpha.txt  alps.jpg");
  CHECK(rows[7] == " Upload to #general: no such file -- Tab completes, Enter accepts, Esc cancels");
  CHECK(rows[9] == "Upload to #general: " + dir.string() + "/al");
}

TEST_CASE("the login screen asks and shows why the last try failed") {
  LineEditor field;
  field.set_text("127.0.0.1:50051");
  LoginScreen screen{"Server", "Enter connects, Ctrl-C quits", "cannot reach 127.0.0.1:50051", false};
  const Frame f = render_login(screen, field, 12, 60);
  const std::string text = f.grid.text();
  CHECK(f.grid.row_text(0) == " chatcore -- connect");
  CHECK(text.find("Server: 127.0.0.1:50051") != std::string::npos);
  CHECK(text.find("cannot reach 127.0.0.1:50051") != std::string::npos);
  CHECK(f.cursor_row == 3);
}

TEST_CASE("a frame re-wraps only the lines that changed") {
  ChatState s = sample();
  for (int i = 0; i < 200; ++i) s.apply(room_msg(300 + i, "general", "bob", "message number " + std::to_string(i)));
  LineEditor e;
  const Layout layout = chat_layout(s, 16, 80);
  s.set_message_width(layout.messages.cols);
  render_chat(s, e, nullptr, 16, 80);
  const auto after_first = wrap_count();
  render_chat(s, e, nullptr, 16, 80);
  max_scroll(s, layout);
  CHECK(wrap_count() == after_first);  // nothing changed: nothing re-wrapped

  s.apply(room_msg(900, "general", "bob", "one more"));
  render_chat(s, e, nullptr, 16, 80);
  CHECK(wrap_count() == after_first + 1);

  s.add_own_message("mine", 77);
  render_chat(s, e, nullptr, 16, 80);
  const auto before_refusal = wrap_count();
  s.mark_not_sent(77);
  const Frame f = render_chat(s, e, nullptr, 16, 80);
  CHECK(wrap_count() == before_refusal + 1);
  CHECK(f.grid.text().find("mine (not sent)") != std::string::npos);

  render_chat(s, e, nullptr, 16, 100);  // a new width re-wraps every line once
  CHECK(wrap_count() > before_refusal + 200);
}

TEST_CASE("while reconnecting, one status-line item counts down to the next attempt") {
  ChatState s = sample();
  s.connection = Connection::reconnecting;
  s.retry_at = 10.0;
  s.clock = 6.2;
  LineEditor e;
  const auto lines_before = s.lines().size();
  CHECK(rows_of(render_chat(s, e, nullptr, 16, 80))[14] ==
        " alice @ 127.0.0.1:50051 (chatd) | reconnecting (retry in 4s) | #general");
  s.clock = 9.5;
  s.connection_note = "connection refused\x1b[2J";
  CHECK(rows_of(render_chat(s, e, nullptr, 16, 120))[14] ==
        " alice @ 127.0.0.1:50051 (chatd) | reconnecting (retry in 1s: connection refused^[[2J) | #general");
  s.clock = 11;
  CHECK(rows_of(render_chat(s, e, nullptr, 16, 120))[14].find("(retry in 0s") != std::string::npos);
  CHECK(s.lines().size() == lines_before);  // no line per attempt
}

TEST_CASE("the status line names the node of a cluster's list the client is on") {
  ChatState s = sample();
  s.server = "10.0.0.1:50051,10.0.0.2:50051,10.0.0.3:50051";
  s.node = "10.0.0.2:50051";
  LineEditor e;
  CHECK(rows_of(render_chat(s, e, nullptr, 16, 80))[14] == " alice @ 10.0.0.2:50051 (chatd) | connected | #general");
}

TEST_CASE("nick colours: a stable hash of the name, on others' names only, past the timestamp") {
  CHECK(nick_colour("bob") == nick_colour("bob"));
  CHECK(nick_colour("alice") == 12);  // the same in every run and on every machine
  std::set<int> used;
  for (int i = 0; i < 40; ++i) {
    const int c = nick_colour(fmt::format("user{}", i));
    CHECK(c >= 1);
    CHECK(c <= kNickColours);
    used.insert(c);
  }
  CHECK(used.size() >= 8);  // spread over the palette
  ChatState s = sample();
  s.show_time = true;
  s.add_own_message("mine", 1);
  LineEditor e;
  const Frame f = render_chat(s, e, nullptr, 16, 80);
  const auto rows = rows_of(f);
  REQUIRE(rows[12].find("[bob]: hello alice") != std::string::npos);
  const int at = 19 + 6 + 1;  // the pane, HH:MM, '['
  CHECK(f.grid.at(12, 21).glyph == ":");  // HH:MM
  CHECK(f.grid.at(12, at - 1).glyph == "[");
  CHECK(f.grid.at(12, at).glyph == "b");
  for (int c = at; c < at + 3; ++c) CHECK(f.grid.at(12, c).colour == nick_colour("bob"));
  CHECK(f.grid.at(12, at - 1).colour == 0);
  CHECK(f.grid.at(12, at + 3).colour == 0);
  CHECK(rows[13].find("[alice]: mine") != std::string::npos);
  for (int c = 19; c < 60; ++c) CHECK(f.grid.at(13, c).colour == 0);  // one's own: plain, bold
  CHECK((f.grid.at(13, at).attr & attr_bold) != 0);
}

TEST_CASE("the title shows the room's topic; the nick list marks who is away") {
  ChatState s = sample();
  chatcore::Event topic;
  topic.notice = chatcore::TopicChanged{"general", "release on friday", "bob"};
  s.notice(topic);
  chatcore::Event away;
  away.notice = chatcore::PresenceChanged{"bob", chatcore::Presence::away, "lunch"};
  s.notice(away);
  LineEditor e;
  const Frame f = render_chat(s, e, nullptr, 16, 80);
  const auto rows = rows_of(f);
  CHECK(rows[0] == " chatcore | #general (3 members) | release on friday");
  CHECK(rows[3].ends_with("│ bob (away)"));
  CHECK((f.grid.at(3, 63).attr & attr_dim) != 0);
}
