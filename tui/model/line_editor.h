// The input line: UTF-8 text with a cursor on character boundaries, history on up/down and
// a horizontal scroll so the cursor stays visible; readline's kill and yank. Knows nothing about curses.
#pragma once

#include "keys.h"

#include <cstddef>
#include <string>
#include <vector>

namespace chat {

class LineEditor {
 public:
  // Applies an editing key; returns true when the text or the cursor changed.
  // Enter, Tab, Escape, page keys and the like are not editing keys: false.
  bool handle_key(const Key& key);

  const std::string& text() const { return text_; }
  std::size_t cursor() const { return cursor_; }  // byte offset
  void set_text(std::string text);                 // cursor to the end
  void clear() { set_text({}); }
  // Replaces the bytes [from, to) (on character boundaries) with `with`; the cursor follows it.
  void replace(std::size_t from, std::size_t to, const std::string& with);

  // Stores the current text in the history (skipping blanks and repeats) and clears it.
  std::string submit();
  const std::vector<std::string>& history() const { return history_; }

  // The visible slice for a field `cells` wide: the text shown and the cursor column.
  struct View {
    std::string text;
    int cursor_col = 0;
  };
  View view(int cells);

 private:
  void insert(char32_t ch);
  void insert_text(const std::string& bytes);
  // Removes [from, to) into the kill buffer, for Ctrl-Y; false when the range is empty.
  bool kill(std::size_t from, std::size_t to);
  std::size_t word_start() const;  // where Alt-B goes from the cursor
  std::size_t word_end() const;    // where Alt-F goes
  bool history_move(int delta);

  std::string text_;
  std::size_t cursor_ = 0;
  std::vector<std::string> history_;
  std::size_t history_pos_ = 0;  // == history_.size() when editing a new line
  std::string draft_;            // the new line while browsing history
  std::string killed_;           // what the last kill took
  int scroll_ = 0;               // first visible cell
};

}  // namespace chat
