#include "moderation.h"

#include <charconv>
#include <ctime>

namespace chat {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::string_view next_word(std::string_view& rest) {
  rest = trim(rest);
  const std::size_t end = rest.find(' ');
  std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return word;
}

std::string room_name(const std::string& room) { return "#" + room; }

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  while (!text.empty()) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end == text.data() + text.size()) return std::nullopt;  // no unit
    std::int64_t unit = 0;
    switch (*end) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: return std::nullopt;
    }
    // Far past what a server accepts (ten years), so the sum cannot overflow.
    if (n > 1'000'000'000 / unit) return std::nullopt;
    total += n * unit;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()) + 1);
  }
  return std::chrono::seconds(total);
}

bool is_moderation(CommandKind kind) {
  switch (kind) {
    case CommandKind::kick:
    case CommandKind::ban:
    case CommandKind::unban:
    case CommandKind::mute:
    case CommandKind::unmute: return true;
    default: return false;
  }
}

std::optional<std::string> parse_moderation(const CommandSpec& spec, std::string_view rest, Command& cmd) {
  const std::string usage = "usage: " + std::string(spec.usage);
  std::string_view word = next_word(rest);
  while (word == "-s" || word == "--server") {
    cmd.server_wide = true;
    word = next_word(rest);
  }
  if (word.empty()) return usage;
  cmd.args.emplace_back(word);
  const bool timed = spec.kind == CommandKind::ban || spec.kind == CommandKind::mute;
  if (timed) {
    std::string_view after = rest;
    if (auto d = parse_duration(next_word(after))) {
      cmd.duration_s = d->count();
      rest = after;
    }
  }
  rest = trim(rest);
  if (rest.empty()) return std::nullopt;
  if (spec.kind == CommandKind::unban || spec.kind == CommandKind::unmute) return usage;
  cmd.args.emplace_back(rest);
  return std::nullopt;
}

std::optional<std::string> moderation_room(const Command& cmd, bool in_server_buffer,
                                           const std::string& room_on_screen) {
  if (cmd.server_wide || in_server_buffer) return std::string();
  if (room_on_screen.empty()) return std::nullopt;
  return room_on_screen;
}

std::string local_time(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

std::string describe(const chatcore::Moderated& m, const std::string& me) {
  using A = chatcore::ModerationAction;
  const std::string by = m.by == me ? "you" : m.by;
  const std::string who = m.nickname == me ? "you" : m.nickname;
  const bool here = !m.room.empty();
  std::string text;
  switch (m.action) {
    case A::kick: text = by + " kicked " + who + (here ? " from " + room_name(m.room) : " off the server"); break;
    case A::ban: text = by + " banned " + who + (here ? " from " + room_name(m.room) : " from the server"); break;
    case A::unban: text = by + " lifted the ban on " + who + (here ? " in " + room_name(m.room) : " on the server"); break;
    case A::mute: text = by + " muted " + who + (here ? " in " + room_name(m.room) : " on the whole server"); break;
    case A::unmute: text = by + " unmuted " + who + (here ? " in " + room_name(m.room) : " on the whole server"); break;
    case A::motd:
      return m.reason.empty() ? by + " cleared the message of the day"
                              : by + " set the message of the day: " + m.reason;
    case A::topic_lock: return by + " locked the topic of " + room_name(m.room) + ": only its operators may set it";
    case A::topic_unlock: return by + " unlocked the topic of " + room_name(m.room);
  }
  if (m.action == A::ban || m.action == A::mute) {
    text += m.until_unix_ms > 0 ? " until " + local_time(m.until_unix_ms) : " until lifted";
  }
  if (!m.reason.empty()) text += ": " + m.reason;
  return text;
}

}  // namespace chat
