// A plain text grid of terminal cells with attributes: the renderer draws into it and the
// curses view only copies its cells, so screen tests compare the grid's text directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chat {

struct Cell {
  std::string glyph = " ";  // one grapheme cluster (e.g. e + accent, a flag); "" = right half of a wide one
  unsigned attr = 0;
  int colour = 0;  // a nick colour slot (see nick_colour); 0 = the attribute's colour
};

class TextGrid {
 public:
  TextGrid(int rows, int cols);

  int rows() const { return rows_; }
  int cols() const { return cols_; }
  const Cell& at(int row, int col) const { return cells_[index(row, col)]; }

  // Writes sanitised text from (row, col), at most `max_cells` cells (to the right edge when
  // negative); a wide character that does not fit becomes a space. Returns the cells used.
  int put(int row, int col, std::string_view text, unsigned attr = 0, int max_cells = -1);
  // Sets `count` cells to `glyph` (a one-cell character).
  void fill(int row, int col, int count, std::string_view glyph, unsigned attr = 0);
  // Adds `attr` to `count` cells.
  void paint(int row, int col, int count, unsigned attr);
  // Gives `count` cells a nick colour slot.
  void colour(int row, int col, int count, int slot);

  std::string row_text(int row) const;  // trailing spaces trimmed
  std::string text() const;             // all rows, '\n' after each

 private:
  std::size_t index(int row, int col) const { return static_cast<std::size_t>(row * cols_ + col); }
  int rows_;
  int cols_;
  std::vector<Cell> cells_;
};

}  // namespace chat
