// The layout: pure rectangles computed from the terminal size, the number of running
// transfers and whether a nick list is wanted. Title bar on top; buffers (the hotlist) |
// messages | nick list; transfer bars; status bar; input line.
#pragma once

namespace chat {

struct Rect {
  int row = 0;
  int col = 0;
  int rows = 0;
  int cols = 0;
  bool empty() const { return rows <= 0 || cols <= 0; }
};

struct Layout {
  int rows = 0;
  int cols = 0;
  bool too_small = false;  // below kMinRows x kMinCols: only a notice fits
  bool sidebars = false;   // the buffer list, hidden below kSidebarCols
  Rect title;
  Rect buffers;    // left sidebar
  Rect messages;   // centre
  Rect nicks;      // right sidebar: empty below kNickListCols or when not wanted
  Rect transfers;  // one row per shown transfer
  Rect status;
  Rect input;
};

inline constexpr int kMinRows = 6;
inline constexpr int kMinCols = 20;
inline constexpr int kSidebarCols = 60;
inline constexpr int kNickListCols = 80;
inline constexpr int kBuffersWidth = 18;
inline constexpr int kNicksWidth = 18;

Layout compute_layout(int rows, int cols, int transfers, bool nick_list = false);

}  // namespace chat
