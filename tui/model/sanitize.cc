#include "sanitize.h"

#include "cells.h"

#include <fmt/format.h>

namespace chat {

std::string sanitize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const Decoded d = decode_utf8(text, pos);
    pos += d.bytes;
    const char32_t ch = d.ch;
    if (ch < 0x20) {
      out += '^';
      out += static_cast<char>(ch + 0x40);
    } else if (ch == 0x7F) {
      out += "^?";
    } else if (ch >= 0x80 && ch < 0xA0) {
      out += fmt::format("<U+{:04X}>", static_cast<unsigned>(ch));
    } else if ((ch >= 0x202A && ch <= 0x202E) || (ch >= 0x2066 && ch <= 0x2069)) {
      // bidi overrides can make text read backwards; show them, do not apply them
      out += fmt::format("<U+{:04X}>", static_cast<unsigned>(ch));
    } else {
      append_utf8(out, ch);
    }
  }
  return out;
}

bool is_clean(std::string_view text) { return sanitize(text) == text; }

}  // namespace chat
