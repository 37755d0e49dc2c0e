#include "util/escape.h"

#include <fmt/format.h>
#include <utf8proc.h>

namespace chatcore::util {
namespace {

bool needs_escape(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_CC:  // C0, DEL, C1
    case UTF8PROC_CATEGORY_CF:  // bidi controls, zero-width characters, BOM
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CS:
      return true;
    default:
      return false;
  }
}

// One step of decoding: the code point at text[i] and its length, or -1 and 1 when the byte
// does not start a well-formed sequence.
utf8proc_ssize_t next(std::string_view text, std::size_t i, utf8proc_int32_t& cp) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + i);
  const auto n = utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(text.size() - i), &cp);
  if (n <= 0) {
    cp = -1;
    return 1;
  }
  return n;
}

}  // namespace

std::string escape(std::string_view text, std::size_t max_chars) {
  std::string out;
  out.reserve(std::min(text.size(), max_chars * 4));
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    utf8proc_int32_t cp = 0;
    const auto n = next(text, i, cp);
    if (cp < 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
    } else if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7f) {
      out += fmt::format("\\x{:02x}", cp);
    } else if (needs_escape(cp)) {
      out += fmt::format("<U+{:04X}>", cp);
    } else {
      out.append(text.substr(i, static_cast<std::size_t>(n)));
    }
    i += static_cast<std::size_t>(n);
    ++chars;
  }
  return out;
}

std::string json_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    utf8proc_int32_t cp = 0;
    const auto n = next(text, i, cp);
    if (cp < 0) {
      out += "\\ufffd";
    } else if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
               cp == 0x2029) {
      out += fmt::format("\\u{:04x}", cp);
    } else {
      out.append(text.substr(i, static_cast<std::size_t>(n)));
    }
    i += static_cast<std::size_t>(n);
  }
  return out;
}

}  // namespace chatcore::util
