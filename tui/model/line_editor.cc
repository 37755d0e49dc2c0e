#include "line_editor.h"

#include "cells.h"

#include <algorithm>

namespace chat {

void LineEditor::set_text(std::string text) {
  text_ = std::move(text);
  cursor_ = text_.size();
}

namespace {

// Letters, digits and every non-ASCII byte (so a word never ends inside a character).
bool is_word_byte(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b >= 0x80 || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

}  // namespace

void LineEditor::replace(std::size_t from, std::size_t to, const std::string& with) {
  text_.replace(from, to - from, with);
  cursor_ = from + with.size();
}

void LineEditor::insert(char32_t ch) {
  std::string bytes;
  append_utf8(bytes, ch);
  insert_text(bytes);
}

void LineEditor::insert_text(const std::string& bytes) {
  text_.insert(cursor_, bytes);
  cursor_ += bytes.size();
}

bool LineEditor::kill(std::size_t from, std::size_t to) {
  if (from >= to) return false;
  killed_ = text_.substr(from, to - from);
  text_.erase(from, to - from);
  cursor_ = from;
  return true;
}

std::size_t LineEditor::word_start() const {
  std::size_t pos = cursor_;
  while (pos > 0 && !is_word_byte(text_[pos - 1])) --pos;
  while (pos > 0 && is_word_byte(text_[pos - 1])) --pos;
  return pos;
}

std::size_t LineEditor::word_end() const {
  std::size_t pos = cursor_;
  while (pos < text_.size() && !is_word_byte(text_[pos])) ++pos;
  while (pos < text_.size() && is_word_byte(text_[pos])) ++pos;
  return pos;
}

bool LineEditor::history_move(int delta) {
  if (history_.empty()) return false;
  if (delta < 0 && history_pos_ == 0) return false;
  if (delta > 0 && history_pos_ >= history_.size()) return false;
  if (history_pos_ == history_.size()) draft_ = text_;
  history_pos_ = delta < 0 ? history_pos_ - 1 : history_pos_ + 1;
  set_text(history_pos_ == history_.size() ? draft_ : history_[history_pos_]);
  return true;
}

bool LineEditor::handle_key(const Key& key) {
  switch (key.kind) {
    case KeyKind::character:
      if (key.ch < 0x20 || key.ch == 0x7F || (key.ch >= 0x80 && key.ch < 0xA0)) return false;
      insert(key.ch);
      return true;
    case KeyKind::left:
      if (cursor_ == 0) return false;
      cursor_ = prev_boundary(text_, cursor_);
      return true;
    case KeyKind::right:
      if (cursor_ >= text_.size()) return false;
      cursor_ = next_boundary(text_, cursor_);
      return true;
    case KeyKind::home:
      if (cursor_ == 0) return false;
      cursor_ = 0;
      return true;
    case KeyKind::end:
      if (cursor_ == text_.size()) return false;
      cursor_ = text_.size();
      return true;
    case KeyKind::backspace: {
      if (cursor_ == 0) return false;
      const std::size_t from = prev_boundary(text_, cursor_);
      text_.erase(from, cursor_ - from);
      cursor_ = from;
      return true;
    }
    case KeyKind::del:
    case KeyKind::eof: {
      if (cursor_ >= text_.size()) return false;
      text_.erase(cursor_, next_boundary(text_, cursor_) - cursor_);
      return true;
    }
    case KeyKind::word_left: {
      const std::size_t to = word_start();
      if (to == cursor_) return false;
      cursor_ = to;
      return true;
    }
    case KeyKind::word_right: {
      const std::size_t to = word_end();
      if (to == cursor_) return false;
      cursor_ = to;
      return true;
    }
    case KeyKind::kill_line:
      return kill(0, text_.size());
    case KeyKind::kill_to_end:
      return kill(cursor_, text_.size());
    case KeyKind::kill_word_back:
      return kill(word_start(), cursor_);
    case KeyKind::kill_word: {
      std::size_t from = cursor_;
      while (from > 0 && text_[from - 1] == ' ') --from;
      while (from > 0 && text_[from - 1] != ' ') --from;
      return kill(from, cursor_);
    }
    case KeyKind::yank:
      if (killed_.empty()) return false;
      insert_text(killed_);
      return true;
    case KeyKind::up:
      return history_move(-1);
    case KeyKind::down:
      return history_move(+1);
    default:
      return false;
  }
}

std::string LineEditor::submit() {
  std::string line = text_;
  const bool blank = line.find_first_not_of(' ') == std::string::npos;
  if (!blank && (history_.empty() || history_.back() != line)) history_.push_back(line);
  history_pos_ = history_.size();
  draft_.clear();
  clear();
  scroll_ = 0;
  return line;
}

LineEditor::View LineEditor::view(int cells) {
  if (cells <= 1) return {};
  const int before = text_width(std::string_view(text_).substr(0, cursor_));
  // keep the cursor inside the field, with one spare cell at the right edge
  if (before < scroll_) scroll_ = std::max(0, before - cells / 3);
  if (before >= scroll_ + cells) scroll_ = before - cells + 1 + cells / 3;
  scroll_ = std::clamp(scroll_, 0, std::max(0, before));
  // skip `scroll_` cells (never starting inside a wide character)
  std::size_t pos = 0;
  int skipped = 0;
  while (pos < text_.size() && skipped < scroll_) {
    const Decoded d = decode_utf8(text_, pos);
    skipped += char_width(d.ch);
    pos += d.bytes;
  }
  scroll_ = skipped;
  View v;
  v.text = std::string(fit_width(std::string_view(text_).substr(pos), cells));
  v.cursor_col = before - scroll_;
  return v;
}

}  // namespace chat
