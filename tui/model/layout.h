// The layout: pure rectangles computed from the terminal size and the number of running
// transfers. Title bar on top; rooms | messages | DMs; transfer bars; status bar; input line.
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
  bool sidebars = false;   // hidden below kSidebarCols
  Rect title;
  Rect rooms;      // left sidebar
  Rect messages;   // centre
  Rect dms;        // right sidebar
  Rect transfers;  // one row per shown transfer
  Rect status;
  Rect input;
};

inline constexpr int kMinRows = 6;
inline constexpr int kMinCols = 20;
inline constexpr int kSidebarCols = 60;
inline constexpr int kRoomsWidth = 18;
inline constexpr int kDmsWidth = 18;

Layout compute_layout(int rows, int cols, int transfers);

}  // namespace chat
