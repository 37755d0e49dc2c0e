// The terminal: an RAII wrapper that puts curses up (wide-character ncurses) and always puts
// the terminal back, reads keys as chat::Key, and draws a rendered Frame. No curses type leaks out.
#pragma once

#include "model/keys.h"
#include "model/render.h"

#include <optional>
#include <unordered_map>

namespace chat {

// Colour pairs kNickPairs + 1 .. kNickPairs + kNickColours are the nick colours.
inline constexpr int kNickPairs = 10;

class Terminal {
 public:
  Terminal();  // call setlocale(LC_ALL, "") first
  ~Terminal();
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Restores the terminal now (idempotent); the destructor does it otherwise.
  void restore();

  // The next key if one is waiting (never blocks); nullopt when there is none.
  std::optional<Key> read_key();
  // True when the terminal went away (POLLHUP/POLLERR on stdin).
  bool hung_up() const;

  int rows() const;
  int cols() const;
  // After SIGWINCH: asks the tty for its size and resizes curses to it.
  void update_size();
  void bell();
  void force_full_redraw();  // Ctrl-L: repaint everything on the next draw
  // Off: no colour at all, marks in bold and underline as on a terminal without colours.
  void set_colours(bool on) { colours_ = on; }

  // curses_view.cc: copies the frame's cells and places the cursor.
  void draw(const Frame& frame);

 private:
  void define_missing_keys();
  std::optional<Key> read_plain_key();  // one get_wch, no escape decoding

  bool active_ = false;
  bool colours_ = true;
  std::unordered_map<int, KeyKind> extra_codes_;  // our define_key codes and terminfo's extras
};

}  // namespace chat
