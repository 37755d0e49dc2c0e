// Transfer formatting: sizes ("1.5 MiB"), the progress bar, percent, rate and ETA, and the
// rate estimate a transfer keeps from its progress samples. Times are passed in, never read.
#pragma once

#include <cstdint>
#include <string>

namespace chat {

std::string format_bytes(std::uint64_t bytes);           // "512 B", "1.5 KiB", "3.0 GiB"
std::string format_duration(double seconds);              // "42s", "3m05s", "1h02m", "--"
std::string progress_bar(double fraction, int cells);     // "[#####.....]" exactly `cells` wide

// One running transfer as the transfer bar shows it.
struct Transfer {
  int id = 0;
  bool upload = true;
  std::string name;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
  double started_s = 0;   // monotonic seconds when it started (set last_s too)
  double rate = 0;        // bytes per second, smoothed
  double last_s = 0;      // time of the last sample
  std::uint64_t last_done = 0;
  std::string note;  // shown instead of the rate and ETA ("waiting for the server")

  // Records progress at monotonic time `now_s`, updating the smoothed rate.
  void update(std::uint64_t done_bytes, std::uint64_t total_bytes, double now_s);
  double fraction() const;
  double eta_seconds() const;  // negative when unknown
};

// "↑ report.pdf [#####.....]  50%  1.0 MiB/2.0 MiB  512 KiB/s  ETA 2s" fitted to `cells`;
// with a note, "↑ report.pdf [#####.....]  50%  1.0 MiB/2.0 MiB  waiting for the server".
std::string format_transfer(const Transfer& t, int cells);

}  // namespace chat
