// Screen correctness: whole grids compared after scrolling through a long wrapped message,
// rows filled exactly to the edge, resizes, and what the terminal is sent for clusters that
// terminals measure differently (ZWJ sequences, flags, variation selectors).
#include "cells.h"
#include "events.h"
#include "key_handlers.h"
#include "render.h"

#include <doctest/doctest.h>

using namespace chat;
using namespace chat_test;

namespace {

ChatState in_general() {
  ChatState s;
  s.server = "127.0.0.1:1";
  s.apply(welcome("alice"));
  s.entered_room({"general", 2});
  return s;
}

const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
const std::string flag = "\U0001F1F0\U0001F1F7";

// The message pane of a frame: `cols` cells of each body row from `col`, as text.
std::vector<std::string> pane(const Frame& f, const Rect& r) {
  std::vector<std::string> out;
  for (int row = r.row; row < r.row + r.rows; ++row) {
    std::string text;
    for (int c = r.col; c < r.col + r.cols; ++c) text += f.grid.at(row, c).glyph;
    out.push_back(text);
  }
  return out;
}

}  // namespace

TEST_CASE("what the terminal is sent: each part's width is one every terminal agrees on") {
  CHECK(terminal_cells(family, 2) == std::vector<std::string>{"\U0001F468", ""});
  CHECK(terminal_cells(flag, 2) == std::vector<std::string>{"\U0001F1F0", "\U0001F1F7"});
  CHECK(terminal_cells("\u2764\uFE0F", 1) == std::vector<std::string>{"\u2764"});
  CHECK(terminal_cells("한", 2) == std::vector<std::string>{"한", ""});
  CHECK(terminal_cells("e\u0301", 1) == std::vector<std::string>{"e\u0301"});
  CHECK(terminal_cells("a", 2) == std::vector<std::string>{"a", " "});
  CHECK(terminal_cells("한", 1) == std::vector<std::string>{"?"});  // never wider than its slot
  CHECK(terminal_cells("\U0001F44D\U0001F3FD", 2) == std::vector<std::string>{"\U0001F44D", ""});  // skin tone
}

TEST_CASE("scrolling page by page through a 2 000-character message: every frame is exactly its slice") {
  ChatState s = in_general();
  std::string text;
  const std::string words[] = {"lorem", "안녕하세요", "😀", family, flag, "\u2764\uFE0F", std::string(70, 'x'), "dolor"};
  for (int i = 0; text.size() < 4000; ++i) text += words[i % 8] + " ";
  s.apply(room_msg(1, "general", "bob", text));
  for (int i = 0; i < 10; ++i) s.apply(room_msg(10 + i, "general", "bob", "line " + std::to_string(i)));
  LineEditor e;
  const int rows = 30;
  const int cols = 100;
  const Layout layout = chat_layout(s, rows, cols);
  s.set_message_width(layout.messages.cols);
  // every display row of the buffer, top to bottom
  std::vector<std::string> all;
  for (const Line& l : s.lines()) {
    for (const std::string& row : display_lines(l, false, layout.messages.cols)) all.push_back(row);
  }
  const int total = static_cast<int>(all.size());
  REQUIRE(total > 2 * layout.messages.rows);  // several pages
  Completer c;
  for (int page = 0; page < 26; ++page) {
    const Frame f = render_chat(s, e, nullptr, rows, cols);
    const int scroll = s.scroll();
    const int shown = scroll > 0 ? layout.messages.rows - 1 : layout.messages.rows;
    const auto got = pane(f, layout.messages);
    for (int i = 0; i < shown; ++i) {
      const int index = total - scroll - shown + i;
      const std::string want = index >= 0 ? pad_to_width(all[static_cast<std::size_t>(index)], layout.messages.cols)
                                          : std::string(static_cast<std::size_t>(layout.messages.cols), ' ');
      CHECK_MESSAGE(got[static_cast<std::size_t>(i)] == want, "page ", page, " row ", i);
    }
    for (int row = layout.messages.row; row < layout.messages.row + layout.messages.rows; ++row) {
      CHECK(f.grid.at(row, layout.buffers.cols).glyph == "│");
      CHECK(f.grid.at(row, layout.nicks.col - 1).glyph == "│");
    }
    handle_chat_key(Key::of(KeyKind::page_up), s, e, c, nullptr, layout);
  }
  CHECK(s.scroll() == max_scroll(s, layout));  // at the top, and clamped there
}

TEST_CASE("a row filled exactly to the edge wraps nothing; one cell more wraps; a wide character never straddles") {
  ChatState s = in_general();
  LineEditor e;
  // 40 columns have no sidebars: the pane is 40 cells; "[bob]: " is 7
  s.apply(room_msg(1, "general", "bob", std::string(16, 'a') + " " + std::string(16, 'a')));
  s.apply(room_msg(2, "general", "bob", std::string(16, 'b') + " " + std::string(17, 'b')));
  s.apply(room_msg(3, "general", "bob", std::string(38, 'x')));
  s.apply(room_msg(4, "general", "bob", std::string(37, 'y') + "한"));
  const Frame f = render_chat(s, e, nullptr, 12, 40);
  const std::string expected = " chatcore | #general (2 members)\n"
                               "-- you are in #general (2 members)\n"
                               "[bob]: " + std::string(16, 'a') + " " + std::string(16, 'a') + "\n" +
                               "[bob]: " + std::string(16, 'b') + "\n" +
                               "  " + std::string(17, 'b') + "\n" +
                               "[bob]:\n"
                               "  " + std::string(38, 'x') + "\n" +
                               "[bob]:\n"
                               "  " + std::string(37, 'y') + "\n" +
                               "  한\n"
                               " alice @ 127.0.0.1:1 (chatd) | connecte…\n"
                               "[#general]\n";
  CHECK(f.grid.text() == expected);
}

TEST_CASE("a resize redraws from the new size alone: back at the old size the frame is the same") {
  ChatState s = in_general();
  s.apply(room_msg(1, "general", "bob", "a message long enough to wrap differently at each width " + family + flag));
  s.apply(dm(2, "carol", "alice", "psst"));
  LineEditor e;
  e.set_text("draft");
  const Frame wide = render_chat(s, e, nullptr, 20, 100);
  const Frame narrow = render_chat(s, e, nullptr, 10, 50);
  CHECK(narrow.grid.text().find("│") == std::string::npos);  // no sidebars below 60 columns
  CHECK(narrow.grid.row_text(9) == "[#general] draft");
  const Frame tiny = render_chat(s, e, nullptr, 4, 30);
  CHECK(tiny.grid.row_text(0) == "terminal too small");
  const Frame again = render_chat(s, e, nullptr, 20, 100);
  CHECK(again.grid.text() == wide.grid.text());
  CHECK(again.cursor_col == wide.cursor_col);
}
