#include "progress.h"

#include "cells.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace chat {

std::string format_bytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 5> units = {"B", "KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < units.size()) {
    value /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, units[unit]);
}

std::string format_duration(double seconds) {
  if (seconds < 0 || !std::isfinite(seconds)) return "--";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string progress_bar(double fraction, int cells) {
  if (cells < 2) return std::string(static_cast<std::size_t>(std::max(cells, 0)), ' ');
  const int inner = cells - 2;
  const int filled = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * inner);
  std::string bar = "[";
  bar.append(static_cast<std::size_t>(filled), '#');
  bar.append(static_cast<std::size_t>(inner - filled), '.');
  return bar += ']';
}

void Transfer::update(std::uint64_t done_bytes, std::uint64_t total_bytes, double now_s) {
  total = total_bytes;
  done = done_bytes;
  const double dt = now_s - last_s;
  if (dt < 0.25) return;  // too short a window for a steady rate
  const double sample = static_cast<double>(done_bytes - std::min(done_bytes, last_done)) / dt;
  rate = rate == 0 ? sample : 0.7 * rate + 0.3 * sample;
  last_s = now_s;
  last_done = done_bytes;
}

double Transfer::fraction() const {
  if (total == 0) return done == 0 ? 0.0 : 1.0;
  return static_cast<double>(done) / static_cast<double>(total);
}

double Transfer::eta_seconds() const {
  if (rate <= 0) return -1;
  return static_cast<double>(total - std::min(done, total)) / rate;
}

std::string format_transfer(const Transfer& t, int cells) {
  const std::string arrow = t.upload ? "↑" : "↓";
  // fixed-width fields, so the bars of several transfers line up
  const std::string sizes = format_bytes(t.done) + "/" + format_bytes(t.total);
  const int percent = static_cast<int>(t.fraction() * 100);
  const std::string tail =
      t.note.empty() ? fmt::format(" {:3}%  {:>19}  {:>11}  ETA {:<6}", percent, sizes,
                                   format_bytes(static_cast<std::uint64_t>(t.rate)) + "/s",
                                   format_duration(t.eta_seconds()))
                     : fmt::format(" {:3}%  {:>19}  {}", percent, sizes, t.note);
  // the name gets a fifth of the line, the bar what is left (at least 8 cells)
  const int name_cells = std::clamp(cells / 5, 4, 24);  // one column for every transfer
  const int bar_cells = cells - 2 - name_cells - 1 - text_width(tail);
  std::string line = arrow + " " + pad_to_width(t.name, name_cells) + " ";
  if (bar_cells >= 8) {
    line += progress_bar(t.fraction(), bar_cells) + tail;
  } else {
    line += tail.substr(1);
  }
  return pad_to_width(line, cells);
}

}  // namespace chat
