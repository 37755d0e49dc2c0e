// Cell widths come from utf8proc (Unicode 15) and are counted per grapheme cluster, the unit
// a terminal draws in one cell or two: the text wraps exactly as the grid draws it.
#include "cells.h"

#include <utf8proc.h>

#include <algorithm>

namespace chat {
namespace {

const utf8proc_uint8_t* bytes_at(std::string_view text, std::size_t pos) {
  return reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
}

bool is_regional_indicator(char32_t ch) { return ch >= 0x1F1E6 && ch <= 0x1F1FF; }

}  // namespace

Decoded decode_utf8(std::string_view text, std::size_t pos) {
  utf8proc_int32_t ch = 0;
  const auto n = utf8proc_iterate(bytes_at(text, pos),
                                  static_cast<utf8proc_ssize_t>(text.size() - pos), &ch);
  if (n <= 0) return {0xFFFD, 1};
  return {static_cast<char32_t>(ch), static_cast<std::size_t>(n)};
}

void append_utf8(std::string& out, char32_t ch) {
  utf8proc_uint8_t buf[4];
  const auto n = utf8proc_encode_char(static_cast<utf8proc_int32_t>(ch), buf);
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

int char_width(char32_t ch) {
  if (ch < 0x20 || (ch >= 0x7F && ch < 0xA0)) return 0;
  return utf8proc_charwidth(static_cast<utf8proc_int32_t>(ch));
}

std::size_t next_boundary(std::string_view text, std::size_t pos) {
  if (pos >= text.size()) return text.size();
  Decoded d = decode_utf8(text, pos);
  std::size_t end = pos + d.bytes;
  if (d.ch == 0xFFFD && d.bytes == 1) return end;  // an invalid byte stands alone
  utf8proc_int32_t state = 0;
  while (end < text.size()) {
    const Decoded next = decode_utf8(text, end);
    if (next.ch == 0xFFFD && next.bytes == 1) break;
    if (utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(d.ch),
                                         static_cast<utf8proc_int32_t>(next.ch), &state)) {
      break;
    }
    end += next.bytes;
    d = next;
  }
  return end;
}

std::size_t prev_boundary(std::string_view text, std::size_t pos) {
  // Cluster breaks depend on what came before, so walk from the start (input lines are short).
  std::size_t prev = 0;
  for (std::size_t at = 0; at < pos && at < text.size();) {
    prev = at;
    at = next_boundary(text, at);
  }
  return prev;
}

int cluster_width(std::string_view cluster) {
  int width = 0;
  int regional = 0;
  for (std::size_t pos = 0; pos < cluster.size();) {
    const Decoded d = decode_utf8(cluster, pos);
    width = std::max(width, char_width(d.ch));
    regional += is_regional_indicator(d.ch) ? 1 : 0;
    pos += d.bytes;
  }
  // A pair of regional indicators is one flag, drawn as a wide emoji.
  return regional >= 2 ? 2 : std::min(width, 2);
}

int text_width(std::string_view text) {
  int cells = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = next_boundary(text, pos);
    cells += cluster_width(text.substr(pos, end - pos));
    pos = end;
  }
  return cells;
}

std::string_view fit_width(std::string_view text, int cells) {
  int used = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = next_boundary(text, pos);
    const int w = cluster_width(text.substr(pos, end - pos));
    if (used + w > cells) break;
    used += w;
    pos = end;
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

std::vector<std::string> terminal_cells(std::string_view cluster, int cells) {
  cells = std::clamp(cells, 1, 2);
  std::vector<std::string> out;
  std::string base;
  int base_width = 0;
  for (std::size_t pos = 0; pos < cluster.size();) {
    const Decoded d = decode_utf8(cluster, pos);
    pos += d.bytes;
    const int w = char_width(d.ch);
    if (!out.empty()) {  // the second letter of a flag
      if (is_regional_indicator(d.ch)) append_utf8(base, d.ch);
      break;
    }
    if (base.empty()) {
      if (is_regional_indicator(d.ch) && cells == 2) {
        // a flag: each letter in a cell of its own, as a terminal that draws no flags shows it
        append_utf8(base, d.ch);
        out.push_back(std::move(base));
        base.clear();
        continue;
      }
      append_utf8(base, d.ch);
      base_width = std::max(w, 1);
      continue;
    }
    if (d.ch == 0x200D || w > 0) break;  // the rest of a ZWJ sequence, or another visible part
    if (d.ch != 0xFE0F) append_utf8(base, d.ch);
  }
  if (!out.empty()) {
    out.push_back(base.empty() ? " " : base);
    return out;
  }
  if (base.empty()) {
    out.emplace_back(" ");
  } else if (base_width > cells) {
    out.emplace_back("?");  // never wider than the grid thinks
  } else {
    out.push_back(std::move(base));
  }
  if (cells == 2) out.emplace_back(base_width == 2 ? "" : " ");
  return out;
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
