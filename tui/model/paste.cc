#include "paste.h"

#include "cells.h"
#include "render.h"

namespace chat {

void Paste::start() {
  collecting_ = true;
  text_.clear();
}

void Paste::feed(const Key& key) {
  switch (key.kind) {
    case KeyKind::character:
      append_utf8(text_, key.ch);
      break;
    case KeyKind::enter:
      text_ += '\n';
      break;
    case KeyKind::tab:
      text_ += ' ';  // a tab has no width of its own in a message; a space keeps words apart
      break;
    default:
      break;  // keys decoded from the pasted bytes (arrows, Ctrl-letters) are not text
  }
}

std::vector<std::string> Paste::finish() {
  collecting_ = false;
  std::vector<std::string> lines{std::string()};
  for (char c : text_) {
    if (c == '\n') lines.emplace_back();
    else lines.back() += c;
  }
  text_.clear();
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::string paste_question(const HeldPaste& held) {
  const std::size_t n = held.lines.size();
  return "send " + std::to_string(n) + (n == 1 ? " line" : " lines") + " to " + buffer_label(held.to) +
         "? Enter/Esc";
}

}  // namespace chat
