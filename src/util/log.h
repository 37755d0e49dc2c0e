// One-line-per-event logging through fmt: "2026-11-25T20:48:14.123Z INFO  message".
// Thread-safe; the level and format are set once at start-up (chatd --log-level,
// --log-format). Quote client-supplied text with util::escape(); a stray control character in
// a message is escaped here as well, so no message can start a line of its own.
#pragma once

#include <fmt/format.h>

#include <string_view>

namespace chatcore::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_level(Level level);
// JSON lines instead of text: {"time":"...","level":"info","msg":"..."}, for journald or Loki.
void set_json(bool json);
// Journal mode (stderr is systemd's journal): no timestamp, a syslog "<N>" priority prefix.
void set_journal(bool on);
Level level();
// "debug", "info", "warn", "error", "off"; false for anything else.
bool parse_level(std::string_view text, Level& out);
void write(Level level, std::string_view message);

template <class... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::debug) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::info) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::warn) write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <class... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (level() <= Level::error) write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace chatcore::log
