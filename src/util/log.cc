#include "util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace chatcore::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::atomic<bool> g_journal{false};
std::mutex g_mutex;

int syslog_priority(Level level) {
  switch (level) {
    case Level::debug: return 7;
    case Level::info: return 6;
    case Level::warn: return 4;
    case Level::error: return 3;
    case Level::off: break;
  }
  return 6;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO ";
    case Level::warn: return "WARN ";
    case Level::error: return "ERROR";
    case Level::off: break;
  }
  return "";
}
}  // namespace

void set_level(Level level) { g_level.store(level, std::memory_order_relaxed); }
void set_journal(bool on) { g_journal.store(on, std::memory_order_relaxed); }
Level level() { return g_level.load(std::memory_order_relaxed); }

bool parse_level(std::string_view text, Level& out) {
  static constexpr std::pair<std::string_view, Level> names[] = {
      {"debug", Level::debug}, {"info", Level::info}, {"warn", Level::warn},
      {"warning", Level::warn}, {"error", Level::error}, {"off", Level::off}};
  for (const auto& [name, value] : names) {
    if (name == text) {
      out = value;
      return true;
    }
  }
  return false;
}

void write(Level level, std::string_view message) {
  if (g_journal.load(std::memory_order_relaxed)) {
    const std::lock_guard lock(g_mutex);
    std::fprintf(stderr, "<%d>%.*s\n", syslog_priority(level), static_cast<int>(message.size()),
                 message.data());
    return;
  }
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  const std::lock_guard lock(g_mutex);
  std::fprintf(stderr, "%s.%03dZ %s %.*s\n", stamp, static_cast<int>(ms), level_name(level),
               static_cast<int>(message.size()), message.data());
}

}  // namespace chatcore::log
