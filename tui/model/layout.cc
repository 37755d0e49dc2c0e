#include "layout.h"

#include <algorithm>

namespace chat {

Layout compute_layout(int rows, int cols, int transfers, bool nick_list) {
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
    // a one-column separator right of the buffers and left of the nick list
    l.buffers = {body_top, 0, body_rows, kBuffersWidth};
    const bool nicks = nick_list && cols >= kNickListCols;
    if (nicks) l.nicks = {body_top, cols - kNicksWidth, body_rows, kNicksWidth};
    const int right = nicks ? kNicksWidth + 1 : 0;
    l.messages = {body_top, kBuffersWidth + 1, body_rows, cols - kBuffersWidth - 1 - right};
  } else {
    l.messages = {body_top, 0, body_rows, cols};
  }
  return l;
}

}  // namespace chat
