// The scenarios of chatbench. Each prints its records and returns false when a correctness
// check failed (a lost or reordered message, a bad checksum, a session not held).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chatbench/options.h"
#include "chatbench/stats.h"

namespace chatbench {

class LoadClient;

bool run_fanout(const Options& options);
bool run_paced(const Options& options);
bool run_sessions(const Options& options);
bool run_seating(const Options& options);
bool run_burst(const Options& options);
bool run_files(const Options& options);
bool run_resume(const Options& options);
bool run_restart(const Options& options);
bool run_callgrind(const Options& options);
bool run_cluster(const Options& options);
bool cluster_available();  // nats-server is on PATH

// One saturating fanout run against `address`.
struct FanoutRun {
  bool ok = false;               // every session opened and joined
  double seconds = 0;
  std::uint64_t expected = 0;
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;        // missing + out of order + seq gaps
  double deliveries_per_s = 0;
  double cpu_s = -1;             // server CPU during the run
  std::int64_t server_segments = -1;  // TCP data segments the server sent during the run
  double client_cores = 0;       // chatbench's own CPU / wall time (servers are children)
  Histogram latency;
};

// `server_cpu(client_cpu)` gives the server's CPU seconds so far (or -1).
using CpuProbe = std::function<double(double client_cpu_s)>;

FanoutRun fanout_once(const Options& options, const std::string& address, int rooms,
                      int members, int messages, const CpuProbe& server_cpu);
// The measured part of a fanout: sessions 0..n-1 of `client` (open, in their rooms, quiet)
// each send `messages`, from the first send to the last of `expected` receipts. The writes of
// the servers on `ports` are counted; `server_cpu` is called once at the start, once at the end.
FanoutRun measure_saturating(const Options& options, LoadClient& client, int n,
                             std::uint64_t expected, int messages, const std::vector<int>& ports,
                             const CpuProbe& server_cpu);

// Paced run: `rate` deliveries/s to a room of `members` for `seconds`.
struct PacedRun {
  bool ok = false;
  std::uint64_t expected = 0, delivered = 0, lost = 0;
  double achieved_rate = 0;
  Histogram latency;
};
// `during` (optional) runs on another thread meanwhile; pacing continues until it returns.
PacedRun paced_once(const Options& options, const std::string& address, double rate,
                    int members, double seconds, const std::function<void()>& during = {});

std::string scratch(const Options& options, const std::string& name);  // a path in options.dir

}  // namespace chatbench
