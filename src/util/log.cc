#include "util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "util/escape.h"

namespace chatcore::log {
namespace {
std::atomic<Level> g_level{Level::info};
std::atomic<bool> g_json{false};
std::atomic<bool> g_journal{false};
std::mutex g_mutex;

// Only what could break the line apart; escape() has done the rest for quoted client text.
std::string escape_controls(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  for (const char c : message) {
    const auto b = static_cast<unsigned char>(c);
    if (b == '\n') {
      out += "\\n";
    } else if (b < 0x20 || b == 0x7f) {
      out += fmt::format("\\x{:02x}", b);
    } else {
      out += c;
    }
  }
  return out;
}

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

void set_json(bool json) { g_json.store(json, std::memory_order_relaxed); }
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
  const bool json = g_json.load(std::memory_order_relaxed);
  std::string line;
  if (g_journal.load(std::memory_order_relaxed)) {
    // The journal stamps and ranks each line itself; a "<N>" prefix gives the priority.
    line = json ? fmt::format("<{}>{{\"msg\":\"{}\"}}\n", syslog_priority(level),
                              util::json_escape(message))
                : fmt::format("<{}>{}\n", syslog_priority(level), escape_controls(message));
  } else {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    if (json) {
      std::string name = level_name(level);
      if (name.back() == ' ') name.pop_back();
      for (auto& c : name) c = static_cast<char>(c - 'A' + 'a');
      line = fmt::format("{{\"time\":\"{}.{:03d}Z\",\"level\":\"{}\",\"msg\":\"{}\"}}\n", stamp,
                         static_cast<int>(ms), name, util::json_escape(message));
    } else {
      line = fmt::format("{}.{:03d}Z {} {}\n", stamp, static_cast<int>(ms), level_name(level),
                         escape_controls(message));
    }
  }
  const std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace chatcore::log
