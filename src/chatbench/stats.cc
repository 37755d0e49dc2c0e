#include "chatbench/stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace chatbench {
namespace {
constexpr std::size_t kLinear = 1024;
constexpr std::size_t kSubBits = 6;
constexpr std::size_t kSub = std::size_t{1} << kSubBits;
constexpr std::size_t kExponents = 54;

std::string number(double v) {
  if (!std::isfinite(v)) return "null";
  return fmt::format("{:.3f}", v);
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double process_cpu_s() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto tv = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

double proc_cpu_s(pid_t pid) { return stat_cpu_s(fmt::format("/proc/{}/stat", pid)); }

double stat_cpu_s(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!std::getline(in, line)) return -1;
  // Fields after the command name (which may hold spaces) start after the last ')'.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long proc_rss_kib(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

Histogram::Histogram() : buckets_(kLinear + kExponents * kSub, 0) {}

std::size_t Histogram::index(std::uint64_t us) {
  if (us < kLinear) return us;
  const auto e = static_cast<std::size_t>(std::bit_width(us) - 1);  // >= 10
  const std::size_t sub = (us >> (e - kSubBits)) & (kSub - 1);
  const std::size_t i = kLinear + (e - 10) * kSub + sub;
  return std::min(i, kLinear + kExponents * kSub - 1);
}

std::uint64_t Histogram::value(std::size_t i) {
  if (i < kLinear) return i;
  const std::size_t e = (i - kLinear) / kSub + 10;
  const std::size_t sub = (i - kLinear) % kSub;
  return (std::uint64_t{1} << e) + ((sub + 1) << (e - kSubBits)) - 1;  // top of the bucket
}

void Histogram::record(std::int64_t us) {
  const auto v = static_cast<std::uint64_t>(us < 0 ? 0 : us);
  ++buckets_[index(v)];
  ++count_;
  max_ = std::max(max_, v);
}

void Histogram::merge(const Histogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

double Histogram::percentile_ms(double p) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      return static_cast<double>(std::min(value(i), max_)) / 1000.0;
    }
  }
  return max_ms();
}

Record::Record(std::string scenario) : scenario_(std::move(scenario)) {}

Record& Record::add(const std::string& key, double value) {
  fields_.emplace_back(key, number(value));
  return *this;
}
Record& Record::add(const std::string& key, std::int64_t value) {
  fields_.emplace_back(key, std::to_string(value));
  return *this;
}
Record& Record::add(const std::string& key, std::uint64_t value) {
  fields_.emplace_back(key, std::to_string(value));
  return *this;
}
Record& Record::add(const std::string& key, bool value) {
  fields_.emplace_back(key, value ? "true" : "false");
  return *this;
}
Record& Record::add(const std::string& key, const std::string& value) {
  fields_.emplace_back(key, quoted(value));
  return *this;
}

std::string Record::json() const {
  std::string out = "{\"scenario\":" + quoted(scenario_);
  for (const auto& [key, value] : fields_) out += fmt::format(",{}:{}", quoted(key), value);
  return out + "}";
}

std::string Record::table() const {
  std::string out = fmt::format("== {}\n", scenario_);
  for (const auto& [key, value] : fields_) {
    std::string shown = value;
    if (shown.size() >= 2 && shown.front() == '"') shown = shown.substr(1, shown.size() - 2);
    out += fmt::format("  {:<40} {:>16}\n", key, shown);
  }
  return out;
}

void emit(const Record& record, bool json) {
  const std::string text = json ? record.json() + "\n" : record.table();
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

double ratio(double value, double reference) { return reference > 0 ? value / reference : 0; }

}  // namespace chatbench
