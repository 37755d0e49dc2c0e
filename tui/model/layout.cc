#include "layout.h"

#include <algorithm>

namespace chat {

Layout compute_layout(int rows, int cols, int transfers) {
  Layout l;
  l.rows = rows;
  l.cols = cols;
  if (rows < kMinRows || cols < kMinCols) {
    l.too_small = true;
    return l;
  }
  const int shown = std::clamp(transfers, 0, std::max(1, (rows - 4) / 3));
  l.title = {0, 0, 1, cols};
  l.input = {rows - 1, 0, 1, cols};
  l.status = {rows - 2, 0, 1, cols};
  l.transfers = {rows - 2 - shown, 0, shown, cols};
  const int body_top = 1;
  const int body_rows = l.transfers.row - body_top;
  l.sidebars = cols >= kSidebarCols;
  if (l.sidebars) {
    // a one-column separator right of the rooms and left of the DMs
    l.rooms = {body_top, 0, body_rows, kRoomsWidth};
    l.dms = {body_top, cols - kDmsWidth, body_rows, kDmsWidth};
    l.messages = {body_top, kRoomsWidth + 1, body_rows, cols - kRoomsWidth - kDmsWidth - 2};
  } else {
    l.messages = {body_top, 0, body_rows, cols};
  }
  return l;
}

}  // namespace chat
