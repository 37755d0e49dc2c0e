// Cell widths follow Markus Kuhn's wcwidth ranges, trimmed to the blocks chat text uses.
#include "cells.h"

#include <algorithm>
#include <array>
#include <utility>

namespace chat {
namespace {

using Range = std::pair<char32_t, char32_t>;

constexpr std::array kZeroWidth = {
    Range{0x0300, 0x036F}, Range{0x0483, 0x0489}, Range{0x0591, 0x05BD}, Range{0x0610, 0x061A},
    Range{0x064B, 0x065F}, Range{0x0E31, 0x0E31}, Range{0x0E34, 0x0E3A}, Range{0x0E47, 0x0E4E},
    Range{0x1160, 0x11FF}, Range{0x1AB0, 0x1AFF}, Range{0x1DC0, 0x1DFF}, Range{0x200B, 0x200F},
    Range{0x202A, 0x202E}, Range{0x2060, 0x2064}, Range{0x20D0, 0x20FF}, Range{0xFE00, 0xFE0F},
    Range{0xFE20, 0xFE2F}, Range{0xFEFF, 0xFEFF}, Range{0xE0100, 0xE01EF},
};

constexpr std::array kWide = {
    Range{0x1100, 0x115F},   Range{0x231A, 0x231B},   Range{0x23E9, 0x23EC},
    Range{0x23F0, 0x23F0},   Range{0x23F3, 0x23F3},   Range{0x25FD, 0x25FE},
    Range{0x2614, 0x2615},   Range{0x2648, 0x2653},   Range{0x267F, 0x267F},
    Range{0x2693, 0x2693},   Range{0x26A1, 0x26A1},   Range{0x26AA, 0x26AB},
    Range{0x26BD, 0x26BE},   Range{0x26C4, 0x26C5},   Range{0x26CE, 0x26CE},
    Range{0x26D4, 0x26D4},   Range{0x26EA, 0x26EA},   Range{0x26F2, 0x26F3},
    Range{0x26F5, 0x26F5},   Range{0x26FA, 0x26FA},   Range{0x26FD, 0x26FD},
    Range{0x2705, 0x2705},   Range{0x270A, 0x270B},   Range{0x2728, 0x2728},
    Range{0x274C, 0x274C},   Range{0x274E, 0x274E},   Range{0x2753, 0x2755},
    Range{0x2757, 0x2757},   Range{0x2795, 0x2797},   Range{0x27B0, 0x27B0},
    Range{0x27BF, 0x27BF},   Range{0x2B1B, 0x2B1C},   Range{0x2B50, 0x2B50},
    Range{0x2B55, 0x2B55},   Range{0x2E80, 0x303E},   Range{0x3041, 0x33FF},
    Range{0x3400, 0x4DBF},   Range{0x4E00, 0x9FFF},   Range{0xA000, 0xA4CF},
    Range{0xA960, 0xA97F},   Range{0xAC00, 0xD7A3},   Range{0xF900, 0xFAFF},
    Range{0xFE10, 0xFE19},   Range{0xFE30, 0xFE6F},   Range{0xFF00, 0xFF60},
    Range{0xFFE0, 0xFFE6},   Range{0x1F004, 0x1F004}, Range{0x1F0CF, 0x1F0CF},
    Range{0x1F18E, 0x1F18E}, Range{0x1F191, 0x1F19A}, Range{0x1F200, 0x1F251},
    Range{0x1F300, 0x1F320}, Range{0x1F32D, 0x1F335}, Range{0x1F337, 0x1F37C},
    Range{0x1F37E, 0x1F393}, Range{0x1F3A0, 0x1F3CA}, Range{0x1F3CF, 0x1F3D3},
    Range{0x1F3E0, 0x1F3F0}, Range{0x1F3F4, 0x1F3F4}, Range{0x1F3F8, 0x1F43E},
    Range{0x1F440, 0x1F440}, Range{0x1F442, 0x1F4FC}, Range{0x1F4FF, 0x1F53D},
    Range{0x1F54B, 0x1F54E}, Range{0x1F550, 0x1F567}, Range{0x1F57A, 0x1F57A},
    Range{0x1F595, 0x1F596}, Range{0x1F5A4, 0x1F5A4}, Range{0x1F5FB, 0x1F64F},
    Range{0x1F680, 0x1F6C5}, Range{0x1F6CC, 0x1F6CC}, Range{0x1F6D0, 0x1F6D2},
    Range{0x1F6D5, 0x1F6D7}, Range{0x1F6EB, 0x1F6EC}, Range{0x1F6F4, 0x1F6FC},
    Range{0x1F7E0, 0x1F7EB}, Range{0x1F90C, 0x1F93A}, Range{0x1F93C, 0x1F945},
    Range{0x1F947, 0x1F9FF}, Range{0x1FA70, 0x1FAFF}, Range{0x20000, 0x2FFFD},
    Range{0x30000, 0x3FFFD},
};

template <std::size_t N>
bool in_table(const std::array<Range, N>& table, char32_t ch) {
  auto it = std::upper_bound(table.begin(), table.end(), ch,
                             [](char32_t c, const Range& r) { return c < r.first; });
  return it != table.begin() && ch <= std::prev(it)->second;
}

}  // namespace

Decoded decode_utf8(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char b0 = byte(pos);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = 0;
  char32_t ch = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) { len = 2; ch = b0 & 0x1F; min = 0x80; }
  else if ((b0 & 0xF0) == 0xE0) { len = 3; ch = b0 & 0x0F; min = 0x800; }
  else if ((b0 & 0xF8) == 0xF0) { len = 4; ch = b0 & 0x07; min = 0x10000; }
  else return {0xFFFD, 1};
  if (pos + len > text.size()) return {0xFFFD, 1};
  for (std::size_t i = 1; i < len; ++i) {
    if ((byte(pos + i) & 0xC0) != 0x80) return {0xFFFD, 1};
    ch = (ch << 6) | (byte(pos + i) & 0x3F);
  }
  if (ch < min || ch > 0x10FFFF || (ch >= 0xD800 && ch <= 0xDFFF)) return {0xFFFD, 1};
  return {ch, len};
}

void append_utf8(std::string& out, char32_t ch) {
  if (ch < 0x80) {
    out += static_cast<char>(ch);
  } else if (ch < 0x800) {
    out += static_cast<char>(0xC0 | (ch >> 6));
    out += static_cast<char>(0x80 | (ch & 0x3F));
  } else if (ch < 0x10000) {
    out += static_cast<char>(0xE0 | (ch >> 12));
    out += static_cast<char>(0x80 | ((ch >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (ch & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (ch >> 18));
    out += static_cast<char>(0x80 | ((ch >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((ch >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (ch & 0x3F));
  }
}

int char_width(char32_t ch) {
  if (ch < 0x20 || (ch >= 0x7F && ch < 0xA0)) return 0;
  if (ch < 0x300) return 1;
  if (in_table(kZeroWidth, ch)) return 0;
  return in_table(kWide, ch) ? 2 : 1;
}

int text_width(std::string_view text) {
  int cells = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const Decoded d = decode_utf8(text, pos);
    cells += char_width(d.ch);
    pos += d.bytes;
  }
  return cells;
}

std::size_t prev_boundary(std::string_view text, std::size_t pos) {
  if (pos == 0) return 0;
  std::size_t p = pos - 1;
  while (p > 0 && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80 && pos - p < 4) --p;
  // An invalid sequence decodes byte by byte; fall back to one byte then.
  return decode_utf8(text, p).bytes == pos - p ? p : pos - 1;
}

std::size_t next_boundary(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return text.size();
  return pos + decode_utf8(text, pos).bytes;
}

std::string_view fit_width(std::string_view text, int cells) {
  int used = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const Decoded d = decode_utf8(text, pos);
    const int w = char_width(d.ch);
    if (used + w > cells) break;
    used += w;
    pos += d.bytes;
  }
  return text.substr(0, pos);
}

std::string pad_to_width(std::string_view text, int cells) {
  if (cells <= 0) return {};
  const int width = text_width(text);
  if (width <= cells) return std::string(text) + std::string(static_cast<std::size_t>(cells - width), ' ');
  std::string out(fit_width(text, cells - 1));
  out += "…";
  return out + std::string(static_cast<std::size_t>(cells - text_width(out)), ' ');
}

std::vector<std::string> wrap(std::string_view text, int cells, int indent) {
  std::vector<std::string> lines;
  if (cells <= indent) indent = 0;
  if (cells <= 0) return {std::string(text)};
  std::string_view rest = text;
  bool first = true;
  while (first || !rest.empty()) {
    const int room = first ? cells : cells - indent;
    std::string_view fit = fit_width(rest, room);
    if (fit.size() < rest.size()) {
      const std::size_t space = rest[fit.size()] == ' ' ? fit.size() : fit.rfind(' ');
      if (space != std::string_view::npos && space > 0) fit = rest.substr(0, space + 1);
      if (fit.empty()) fit = rest.substr(0, next_boundary(rest, 0));  // wider than the pane
    }
    std::string line = first ? std::string() : std::string(static_cast<std::size_t>(indent), ' ');
    std::string_view body = fit;
    while (fit.size() < rest.size() && !body.empty() && body.back() == ' ') body.remove_suffix(1);
    line += body;
    lines.push_back(std::move(line));
    rest.remove_prefix(fit.size());
    first = false;
  }
  return lines;
}

}  // namespace chat
