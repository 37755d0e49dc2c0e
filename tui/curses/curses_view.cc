// The curses view: copies a rendered Frame cell by cell; all layout and text decisions were
// made by the pure renderer, so this is the only drawing code that needs a terminal.
#include "model/cells.h"
#include "model/line.h"
#include "curses/terminal.h"

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

#include <string>

namespace chat {
namespace {

attr_t to_curses(unsigned attr, short& pair) {
  attr_t a = A_NORMAL;
  pair = 0;
  if (attr & attr_bold) a |= A_BOLD;
  if (attr & attr_reverse) a |= A_REVERSE;
  if (attr & attr_dim) a |= A_DIM;
  if (has_colors()) {
    if (attr & attr_accent) pair = 3;
    if (attr & attr_error) pair = 2;
    if (attr & attr_highlight) {
      pair = 1;
      a |= A_BOLD;
    }
  } else if (attr & (attr_highlight | attr_error)) {
    a |= A_BOLD | A_UNDERLINE;
  }
  return a;
}

}  // namespace

void Terminal::draw(const Frame& frame) {
  const TextGrid& g = frame.grid;
  for (int row = 0; row < g.rows() && row < LINES; ++row) {
    for (int col = 0; col < g.cols() && col < COLS; ++col) {
      const Cell& cell = g.at(row, col);
      if (cell.glyph.empty()) continue;  // right half of a wide character
      wchar_t wide[CCHARW_MAX + 1] = {};
      int n = 0;
      for (std::size_t pos = 0; pos < cell.glyph.size() && n < CCHARW_MAX;) {
        const Decoded d = decode_utf8(cell.glyph, pos);
        wide[n++] = static_cast<wchar_t>(d.ch);
        pos += d.bytes;
      }
      short pair = 0;
      const attr_t a = to_curses(cell.attr, pair);
      cchar_t cc;
      setcchar(&cc, wide, a, pair, nullptr);
      mvadd_wch(row, col, &cc);  // the bottom-right cell reports ERR but is drawn
    }
  }
  move(frame.cursor_row, frame.cursor_col);
  refresh();
}

}  // namespace chat
