#include "model/text.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <array>
#include <cstdint>

#include "util/escape.h"

namespace chatcore::model {
namespace {

constexpr std::size_t kMaxFileNameBytes = 255;  // NAME_MAX on the usual file systems
// A whole path beyond PATH_MAX is not a name a real client sends; refuse it before any work.
constexpr std::size_t kMaxFilePathBytes = 4096;

// Decodes the code point at s[i] and advances i. False on any malformed sequence: utf8proc
// refuses overlongs, surrogates and values above U+10FFFF, so callers never see them.
bool next_code_point(std::string_view s, std::size_t& i, char32_t& cp) {
  utf8proc_int32_t c = 0;
  const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                  static_cast<utf8proc_ssize_t>(s.size() - i), &c);
  if (n <= 0) return false;
  cp = static_cast<char32_t>(c);
  i += static_cast<std::size_t>(n);
  return true;
}

utf8proc_category_t category(char32_t c) {
  return utf8proc_category(static_cast<utf8proc_int32_t>(c));
}

bool is_control(char32_t c) { return category(c) == UTF8PROC_CATEGORY_CC; }

// Unicode White_Space (the separators plus the spacing controls TAB..CR and NEL), so that
// U+3000 or U+00A0 cannot make two names look alike.
bool is_space(char32_t c) {
  const auto cat = category(c);
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
         cat == UTF8PROC_CATEGORY_ZP || (c >= 0x09 && c <= 0x0D) || c == 0x85;
}

// Embeddings, overrides and isolates can reorder what a reader sees ("gnp.exe").
bool is_bidi_control(char32_t c) {
  switch (utf8proc_get_property(static_cast<utf8proc_int32_t>(c))->bidi_class) {
    case UTF8PROC_BIDI_CLASS_LRE:
    case UTF8PROC_BIDI_CLASS_LRO:
    case UTF8PROC_BIDI_CLASS_RLE:
    case UTF8PROC_BIDI_CLASS_RLO:
    case UTF8PROC_BIDI_CLASS_PDF:
    case UTF8PROC_BIDI_CLASS_LRI:
    case UTF8PROC_BIDI_CLASS_RLI:
    case UTF8PROC_BIDI_CLASS_FSI:
    case UTF8PROC_BIDI_CLASS_PDI:
      return true;
    default:
      return false;
  }
}

// Invisible format characters (category Cf that take no cell: U+200B, U+2060, U+FEFF ...)
// that let "bob" and "b\u200Bob" coexist as different names.
bool is_zero_width(char32_t c) {
  return category(c) == UTF8PROC_CATEGORY_CF &&
         utf8proc_charwidth(static_cast<utf8proc_int32_t>(c)) == 0 && !is_bidi_control(c);
}

Status invalid(std::string message) { return {Code::invalid_argument, std::move(message)}; }

bool is_reserved_device(std::string_view name) {
  // Windows resolves these with any extension, so "con.txt" is as bad as "CON".
  const auto stem = name.substr(0, name.find('.'));
  std::string upper;
  for (char c : stem) upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  static constexpr std::array<std::string_view, 4> kPlain = {"CON", "PRN", "AUX", "NUL"};
  for (auto r : kPlain) {
    if (upper == r) return true;
  }
  return upper.size() == 4 && (upper.starts_with("COM") || upper.starts_with("LPT")) &&
         upper[3] >= '1' && upper[3] <= '9';
}

// Drops leading and trailing Unicode whitespace; `s` is known to be valid UTF-8.
std::string_view trim_space(std::string_view s) {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool seen = false;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t at = i;
    char32_t c = 0;
    next_code_point(s, i, c);
    if (is_space(c)) continue;
    if (!seen) begin = at;
    seen = true;
    end = i;
  }
  return seen ? s.substr(begin, end - begin) : std::string_view{};
}

}  // namespace

bool valid_utf8(std::string_view s) {
  char32_t c = 0;
  for (std::size_t i = 0; i < s.size();) {
    if (!next_code_point(s, i, c)) return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

Status check_name(std::string_view name, std::size_t max_chars, std::string_view what) {
  if (!valid_utf8(name)) return invalid(fmt::format("{} is not valid UTF-8", what));
  const auto length = utf8_length(name);
  if (length == 0 || length > max_chars) {
    return invalid(fmt::format("{} must be 1-{} characters long (it has {})", what, max_chars,
                               length));
  }
  for (std::size_t i = 0; i < name.size();) {
    char32_t c = 0;
    next_code_point(name, i, c);
    if (is_space(c)) return invalid(fmt::format("{} contains whitespace", what));
    if (is_control(c)) return invalid(fmt::format("{} contains a control character", what));
    if (is_bidi_control(c)) {
      return invalid(fmt::format("{} contains a bidirectional text override", what));
    }
    if (is_zero_width(c)) {
      return invalid(fmt::format("{} contains an invisible zero-width character", what));
    }
  }
  return {};
}

Status check_message(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) {
    return invalid(
        fmt::format("message is {} bytes; the limit is {} bytes", text.size(), max_bytes));
  }
  if (text.empty()) return invalid("message is empty");
  if (!valid_utf8(text)) return invalid("message is not valid UTF-8");
  bool blank = true;
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    next_code_point(text, i, c);
    if (is_control(c) && c != '\t' && c != '\n') {
      return invalid(fmt::format("message contains a control character (U+{:04X})",
                                 static_cast<std::uint32_t>(c)));
    }
    if (!is_space(c) && !is_zero_width(c)) blank = false;
  }
  if (blank) return invalid("message is blank");
  return {};
}

Status check_line(std::string_view text, std::size_t max_bytes, std::string_view what) {
  if (text.size() > max_bytes) {
    return invalid(
        fmt::format("{} is {} bytes; the limit is {} bytes", what, text.size(), max_bytes));
  }
  if (!valid_utf8(text)) return invalid(fmt::format("{} is not valid UTF-8", what));
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = 0;
    next_code_point(text, i, c);
    if (is_control(c)) {
      return invalid(fmt::format("{} contains a control character (U+{:04X})", what,
                                 static_cast<std::uint32_t>(c)));
    }
  }
  return {};
}

Result<std::string> safe_file_name(std::string_view name) {
  const auto slash = name.find_last_of("/\\");
  if (name.size() > kMaxFilePathBytes) {
    return slash == std::string_view::npos
               ? invalid(fmt::format("file name is {} bytes; the limit is {} bytes",
                                     name.size(), kMaxFileNameBytes))
               : invalid(fmt::format("file path is {} bytes; the limit is {} bytes",
                                     name.size(), kMaxFilePathBytes));
  }
  if (!valid_utf8(name)) return invalid("file name is not valid UTF-8");
  // The whole path is checked, not just its base: a NUL or control character anywhere is a
  // sign of a hostile client, and separators never occur inside a multi-byte sequence.
  for (std::size_t i = 0; i < name.size();) {
    char32_t c = 0;
    next_code_point(name, i, c);
    if (c == 0) return invalid("file name contains a NUL byte");
    if (is_control(c)) return invalid("file name contains a control character");
    if (is_bidi_control(c)) return invalid("file name contains a bidirectional text override");
  }
  auto base = trim_space(slash == std::string_view::npos ? name : name.substr(slash + 1));
  if (base.empty()) return invalid("file name is empty");
  if (base == "." || base == "..") {
    return invalid(fmt::format("'{}' is not a usable file name", util::escape(base)));
  }
  // Built by appending: g++ 12 at -O3 reports a false -Wrestrict overlap on "_" + string.
  std::string safe;
  safe.reserve(base.size() + 1);
  if (is_reserved_device(base)) safe += '_';
  safe += base;
  if (safe.size() > kMaxFileNameBytes) {
    return invalid(fmt::format("file name is {} bytes; the limit is {} bytes", safe.size(),
                               kMaxFileNameBytes));
  }
  return safe;
}

}  // namespace chatcore::model
