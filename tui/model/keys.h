// A key press as the pure parts see it: the curses view translates get_wch results into
// these, so the line editor, prompts and the app can be tested without a terminal.
#pragma once

namespace chat {

enum class KeyKind {
  character,  // `ch` holds the character
  enter, tab, escape, backspace, del,
  left, right, up, down, home, end, page_up, page_down,
  word_left,       // Ctrl-Left, Alt-B
  word_right,      // Ctrl-Right, Alt-F
  back_tab,        // Shift-Tab
  kill_line,       // Ctrl-U
  kill_word,       // Ctrl-W: back to the previous space
  kill_word_back,  // Alt-Backspace: back to the start of the word
  kill_to_end,     // Ctrl-K
  yank,            // Ctrl-Y: puts back what the last kill took
  redraw,      // Ctrl-L
  next_room,   // Ctrl-N, Alt-Right: the next buffer
  prev_room,   // Ctrl-P, Alt-Left
  buffer_number,  // Alt-1..Alt-9, Alt-0: `ch` holds the digit
  next_active,    // Alt-A: the next buffer with activity
  toggle_nicks,   // Alt-N: the nick list on or off
  alt,            // Alt with a character that means nothing by default: `ch` holds it
  interrupt,   // Ctrl-C (when it arrives as a key)
  eof,         // Ctrl-D: deletes the character under the cursor
  wheel_up, wheel_down,    // the mouse wheel over the terminal
  paste_start, paste_end,  // bracketed paste: ESC [ 200 ~ and ESC [ 201 ~ around pasted text
  resize,
  unknown,
};

struct Key {
  KeyKind kind = KeyKind::unknown;
  char32_t ch = 0;

  static Key character(char32_t c) { return {KeyKind::character, c}; }
  static Key of(KeyKind k) { return {k, 0}; }
};

}  // namespace chat
