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
#include <wchar.h>

namespace chat {
namespace {

attr_t to_curses(unsigned attr, int colour, bool colours, short& pair) {
  attr_t a = A_NORMAL;
  pair = 0;
  if (attr & attr_bold) a |= A_BOLD;
  if (attr & attr_reverse) a |= A_REVERSE;
  if (attr & attr_dim) a |= A_DIM;
  if (colours) {
    if (attr & attr_accent) pair = 3;
    if (attr & attr_error) pair = 2;
    if (attr & attr_highlight) {
      pair = 1;
      a |= A_BOLD;
    }
    if (colour > 0 && (attr & (attr_highlight | attr_error)) == 0) pair = static_cast<short>(kNickPairs + colour);
  } else if (attr & (attr_highlight | attr_error)) {
    a |= A_BOLD | A_UNDERLINE;
  }
  return a;
}

// One cell's text as curses takes it; ncurses measures the first character with wcwidth.
void put_cell(int row, int col, const std::string& text, attr_t a, short pair) {
  wchar_t wide[CCHARW_MAX + 1] = {};
  int n = 0;
  for (std::size_t pos = 0; pos < text.size() && n < CCHARW_MAX;) {
    const Decoded d = decode_utf8(text, pos);
    wide[n++] = static_cast<wchar_t>(d.ch);
    pos += d.bytes;
  }
  cchar_t cc;
  setcchar(&cc, wide, a, pair, nullptr);
  mvadd_wch(row, col, &cc);  // the bottom-right cell reports ERR but is drawn
}

}  // namespace

// Every cell of the grid is written, each as parts whose width curses and the terminal agree
// on (terminal_cells), so curses' idea of the screen is the terminal's: a cluster one of them
// measured differently would shift the rest of the row on the terminal only, and leave stale
// fragments that curses, believing them gone, never repaints.
void Terminal::draw(const Frame& frame) {
  const TextGrid& g = frame.grid;
  for (int row = 0; row < g.rows() && row < LINES; ++row) {
    for (int col = 0; col < g.cols() && col < COLS; ++col) {
      const Cell& cell = g.at(row, col);
      if (cell.glyph.empty()) continue;  // right half of a wide character, drawn with it
      const bool wide = col + 1 < g.cols() && g.at(row, col + 1).glyph.empty();
      short pair = 0;
      const attr_t a = to_curses(cell.attr, cell.colour, colours_ && has_colors(), pair);
      const auto parts = terminal_cells(cell.glyph, wide ? 2 : 1);
      for (std::size_t i = 0; i < parts.size() && col + static_cast<int>(i) < COLS; ++i) {
        if (parts[i].empty()) continue;
        const bool two = i + 1 < parts.size() && parts[i + 1].empty();
        const int measured = wcwidth(static_cast<wchar_t>(decode_utf8(parts[i], 0).ch));
        const int c = col + static_cast<int>(i);
        if (measured == (two ? 2 : 1)) {
          put_cell(row, c, parts[i], a, pair);
        } else if (two && measured == 1) {
          put_cell(row, c, parts[i], a, pair);
          put_cell(row, c + 1, " ", a, pair);
        } else {
          put_cell(row, c, "?", a, pair);  // the C library knows this character otherwise
          if (two) put_cell(row, c + 1, " ", a, pair);
        }
      }
    }
  }
  move(frame.cursor_row, frame.cursor_col);
  refresh();
}

}  // namespace chat
