#include "line.h"

#include "cells.h"
#include "progress.h"
#include "sanitize.h"

#include <fmt/format.h>

#include <cctype>
#include <ctime>

namespace chat {
namespace {

std::string clock(std::int64_t time_ms) {
  if (time_ms <= 0) return "      ";  // local notes have no server time
  const std::time_t t = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  return fmt::format("{:02}:{:02} ", tm.tm_hour, tm.tm_min);
}

std::string body(const Line& l) {
  const std::string who = sanitize(l.who);
  const std::string text = sanitize(l.text);
  switch (l.kind) {
    case LineKind::message:
    {
      const std::string_view prefix = l.missed ? "(missed) " : l.replay ? "(history) " : "";
      const std::string_view failed = l.failed ? " (not sent)" : "";
      return l.action ? fmt::format("{}* {} {}{}", prefix, who, text, failed)
                      : fmt::format("{}[{}]: {}{}", prefix, who, text, failed);
    }
    case LineKind::joined:
      return fmt::format("* {} joined", who);
    case LineKind::left:
      return text.empty() || text == "left" ? fmt::format("* {} left", who)
                                            : fmt::format("* {} left ({})", who, text);
    case LineKind::nick:
      return fmt::format("* {} is now known as {}", who, text);
    case LineKind::dm_in:
      return l.action ? fmt::format("{}[DM] * {} {}", l.missed ? "(missed) " : "", who, text)
                      : fmt::format("{}[DM from {}]: {}", l.missed ? "(missed) " : "", who, text);
    case LineKind::dm_out:
      return l.action ? fmt::format("{}[DM to {}] * {}", l.missed ? "(missed) " : "", who, text)
                      : fmt::format("{}[DM to {}]: {}", l.missed ? "(missed) " : "", who, text);
    case LineKind::file: {
      const std::string to = l.file.recipient.empty() ? ""
                             : l.own                   ? " (to " + sanitize(l.file.recipient) + ")"
                                                       : " (to you)";
      return fmt::format("* FILE {} ({}) from {}{} -- /download {}", sanitize(l.file.name),
                         format_bytes(l.file.size), sanitize(l.file.sender), to, sanitize(l.file.id));
    }
    case LineKind::history:
      return fmt::format("-- {} --", text);
    case LineKind::system:
      return "-- " + text;
    case LineKind::error:
      return "!! " + text;
  }
  return text;
}

bool word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c >= 0x80; }

}  // namespace

std::string format_line(const Line& line, bool show_time) {
  return show_time ? clock(line.time_ms) + body(line) : body(line);
}

unsigned line_attr(const Line& line) {
  if (line.failed) return attr_error;
  if (line.mention && !line.own) return attr_highlight;
  if (line.replay) return attr_dim;
  switch (line.kind) {
    case LineKind::dm_in:
    case LineKind::dm_out:
    case LineKind::file:
      return attr_accent;
    case LineKind::joined:
    case LineKind::left:
    case LineKind::nick:
    case LineKind::history:
    case LineKind::system:
      return attr_dim;
    case LineKind::error:
      return attr_error;
    case LineKind::message:
      return line.own ? attr_bold : attr_normal;
  }
  return attr_normal;
}

int nick_colour(std::string_view nick) {
  std::uint32_t hash = 2166136261u;  // FNV-1a: the same on every machine and in every run
  for (const char c : nick) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return static_cast<int>(hash % kNickColours) + 1;
}

std::pair<int, int> nick_span(const Line& line, bool show_time) {
  if (line.kind != LineKind::message) return {0, 0};
  const int prefix = (show_time ? 6 : 0) + (line.missed ? 9 : line.replay ? 10 : 0) + (line.action ? 2 : 1);  // "* " or "["
  return {prefix, text_width(sanitize(line.who))};
}

bool mentions(std::string_view text, std::string_view nick) {
  if (nick.empty() || text.size() < nick.size()) return false;
  const auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  for (std::size_t i = 0; i + nick.size() <= text.size(); ++i) {
    bool same = true;
    for (std::size_t j = 0; j < nick.size() && same; ++j) same = lower(text[i + j]) == lower(nick[j]);
    if (!same) continue;
    const bool start_ok = i == 0 || !word_char(static_cast<unsigned char>(text[i - 1]));
    const std::size_t end = i + nick.size();
    const bool end_ok = end == text.size() || !word_char(static_cast<unsigned char>(text[end]));
    if (start_ok && end_ok) return true;
  }
  return false;
}

namespace {
std::uint64_t wraps = 0;  // the UI is single-threaded
}  // namespace

const std::vector<std::string>& display_lines(const Line& line, bool show_time, int cells) {
  WrapCache& cache = line.wrapped;
  if (cache.cells != cells || cache.show_time != show_time) {
    cache.rows = wrap(format_line(line, show_time), cells, 2);
    cache.cells = cells;
    cache.show_time = show_time;
    ++wraps;
  }
  return cache.rows;
}

std::uint64_t wrap_count() { return wraps; }

}  // namespace chat
