#include "grid.h"

#include "cells.h"

#include <algorithm>

namespace chat {

TextGrid::TextGrid(int rows, int cols)
    : rows_(std::max(rows, 0)), cols_(std::max(cols, 0)), cells_(static_cast<std::size_t>(rows_ * cols_)) {}

int TextGrid::put(int row, int col, std::string_view text, unsigned attr, int max_cells) {
  if (row < 0 || row >= rows_ || col < 0 || col >= cols_) return 0;
  const int limit = max_cells < 0 ? cols_ - col : std::min(max_cells, cols_ - col);
  int used = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = next_boundary(text, pos);
    const std::string_view bytes = text.substr(pos, end - pos);
    pos = end;
    const int w = cluster_width(bytes);
    if (w == 0) {
      // a stray combining mark joins the cell before it; a control (never sanitised away) is dropped
      if (used > 0 && static_cast<unsigned char>(bytes[0]) >= 0x20) {
        int c = col + used - 1;
        if (cells_[index(row, c)].glyph.empty() && c > 0) --c;
        cells_[index(row, c)].glyph += bytes;
      }
      continue;
    }
    if (used + w > limit) {
      if (used < limit) cells_[index(row, col + used)] = Cell{" ", attr};
      if (w == 2 && used + 1 == limit) ++used;
      break;
    }
    cells_[index(row, col + used)] = Cell{std::string(bytes), attr};
    if (w == 2) cells_[index(row, col + used + 1)] = Cell{"", attr};
    used += w;
  }
  return used;
}

void TextGrid::fill(int row, int col, int count, std::string_view glyph, unsigned attr) {
  if (row < 0 || row >= rows_) return;
  for (int c = std::max(col, 0); c < std::min(col + count, cols_); ++c) cells_[index(row, c)] = Cell{std::string(glyph), attr};
}

void TextGrid::paint(int row, int col, int count, unsigned attr) {
  if (row < 0 || row >= rows_) return;
  for (int c = std::max(col, 0); c < std::min(col + count, cols_); ++c) cells_[index(row, c)].attr |= attr;
}

void TextGrid::colour(int row, int col, int count, int slot) {
  if (row < 0 || row >= rows_) return;
  for (int c = std::max(col, 0); c < std::min(col + count, cols_); ++c) cells_[index(row, c)].colour = slot;
}

std::string TextGrid::row_text(int row) const {
  std::string out;
  for (int c = 0; c < cols_; ++c) out += at(row, c).glyph;
  const std::size_t end = out.find_last_not_of(' ');
  out.resize(end == std::string::npos ? 0 : end + 1);
  return out;
}

std::string TextGrid::text() const {
  std::string out;
  for (int r = 0; r < rows_; ++r) out += row_text(r) + "\n";
  return out;
}

}  // namespace chat
