// Measuring helpers for chatbench: a latency histogram, clocks, CPU and RSS readings, and
// the result record every scenario prints as a table row and, with --json, as one JSON line.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace chatbench {

std::int64_t now_ns();  // steady clock, comparable across processes on this machine
// CPU seconds used so far by this whole process.
double process_cpu_s();
// CPU seconds of another process (utime + stime); -1 when it cannot be read.
double proc_cpu_s(pid_t pid);
// The same from a stat file of /proc (a process's, or a thread's /proc/P/task/T/stat).
double stat_cpu_s(const std::string& path);
// Resident set of a process in KiB (VmRSS); -1 when unknown.
long proc_rss_kib(pid_t pid);

// Latencies in microseconds, log-linear buckets (exact below 1 ms, ~1.5% above).
class Histogram {
 public:
  Histogram();
  void record(std::int64_t us);
  void merge(const Histogram& other);
  std::uint64_t count() const { return count_; }
  // In milliseconds; 0 when empty.
  double percentile_ms(double p) const;
  double max_ms() const { return static_cast<double>(max_) / 1000.0; }

 private:
  static std::size_t index(std::uint64_t us);
  static std::uint64_t value(std::size_t index);
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

// One result: an ordered list of fields. Numbers print with up to 3 decimals.
class Record {
 public:
  explicit Record(std::string scenario);
  Record& add(const std::string& key, double value);
  Record& add(const std::string& key, std::int64_t value);
  Record& add(const std::string& key, int value) { return add(key, std::int64_t{value}); }
  Record& add(const std::string& key, std::uint64_t value);
  Record& add(const std::string& key, bool value);
  Record& add(const std::string& key, const std::string& value);
  Record& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
  std::string json() const;
  std::string table() const;
  const std::string& scenario() const { return scenario_; }

 private:
  std::string scenario_;
  std::vector<std::pair<std::string, std::string>> fields_;  // key, JSON value
};

// Prints a record as a table (stdout) or as a JSON line when json is set.
void emit(const Record& record, bool json);

double ratio(double value, double reference);  // 0 when reference is 0

}  // namespace chatbench
