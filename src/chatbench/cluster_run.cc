#include "chatbench/cluster_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <numeric>
#include <thread>

#include "chatbench/bench_processes.h"
#include "chatbench/load_client.h"
#include "chatbench/server_writes.h"
#include "chatbench/stats.h"

namespace chatbench {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;

double cpu_sum(const std::vector<pid_t>& pids) {
  double sum = 0;
  for (const pid_t pid : pids) sum += std::max(0.0, proc_cpu_s(pid));
  return sum;
}

// CPU seconds of each thread of `pid` by thread id, with the thread's name.
using ThreadCpu = std::map<std::string, std::pair<std::string, double>>;
ThreadCpu threads_of(pid_t pid) {
  ThreadCpu out;
  std::error_code ec;
  const auto dir = fmt::format("/proc/{}/task", pid);
  for (const auto& task : std::filesystem::directory_iterator(dir, ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    const std::string tid = task.path().filename().string();
    if (tid == std::to_string(pid)) name += "(main)";
    out[tid] = {name, stat_cpu_s((task.path() / "stat").string())};
  }
  return out;
}

// Seconds the threads of `pid` have waited for a CPU while runnable (schedstat's run delay):
// how much a crowded machine held the node back, as against the node being idle.
double runqueue_wait_s(pid_t pid) {
  double sum = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), ec)) {
    std::ifstream in(task.path() / "schedstat");
    double on_cpu_ns = 0, waiting_ns = 0;
    if (in >> on_cpu_ns >> waiting_ns) sum += waiting_ns / 1e9;
  }
  return sum;
}

std::string busiest(const ThreadCpu& before, const ThreadCpu& after, double seconds) {
  std::vector<std::pair<double, std::string>> used;
  for (const auto& [tid, now] : after) {
    const auto was = before.find(tid);
    used.emplace_back(now.second - (was == before.end() ? 0.0 : was->second.second), now.first);
  }
  std::sort(used.rbegin(), used.rend());
  std::string out;
  for (std::size_t i = 0; i < used.size() && i < 3 && seconds > 0; ++i) {
    out += fmt::format("{}{} {:.2f}", i ? ", " : "", used[i].second, used[i].first / seconds);
  }
  return out;
}

// A node knows a room only once it applied the command that created it from the log: until
// then its sessions would be refused a join.
bool await_room(LoadClient& lc, int asker, const std::string& room) {
  const auto until = std::chrono::steady_clock::now() + seconds(30);
  while (std::chrono::steady_clock::now() < until) {
    if (lc.room_size(asker, room, seconds(5)) >= 0) return true;  // guests are per node: 0
    std::this_thread::sleep_for(milliseconds(5));
  }
  std::fprintf(stderr, "chatbench: a node never saw room %s\n", room.c_str());
  return false;
}

// The sessions are on their nodes round robin (session i on node i % nodes).
bool seat(LoadClient& lc, int members, int nodes) {
  if (const int welcomed = lc.open(members, "u", seconds(30)); welcomed < members) {
    std::fprintf(stderr, "chatbench: %d of %d sessions were welcomed\n", welcomed, members);
    return false;
  }
  std::vector<std::string> room_of(static_cast<std::size_t>(members));
  room_of[0] = "r0";
  if (!lc.join(room_of, seconds(60))) {
    std::fprintf(stderr, "chatbench: the room could not be created\n");
    return false;
  }
  for (int k = 1; k < nodes && k < members; ++k) {
    if (!await_room(lc, k, "r0")) return false;
  }
  room_of.assign(room_of.size(), "r0");
  room_of[0].clear();
  if (!lc.join(room_of, seconds(60), false)) {
    std::fprintf(stderr, "chatbench: not every member could join the room\n");
    return false;
  }
  lc.settle(milliseconds(200), seconds(30));
  return true;
}

// Starts the processes, seats the sessions and measures, filling `run`; returns early
// (run.fan.ok false) when a step fails. Everything it started has stopped when it returns.
void measure_in(const Options& o, const std::string& chatd, const std::string& dir,
                ClusterRun& run) {
  const int nodes = run.nodes;
  const int members = run.members;
  const int messages = run.messages;
  const auto nats = NatsServers::start(o.nats, dir + "/nats");
  if (!nats) return;
  std::vector<std::unique_ptr<ChatdNode>> chat;
  std::vector<pid_t> pids;
  std::vector<int> ports;
  std::string addresses;
  for (int k = 0; k < nodes; ++k) {
    chat.push_back(ChatdNode::start(chatd, nats->urls(), fmt::format("node-{}", k + 1),
                                    fmt::format("{}/node-{}", dir, k + 1)));
    if (!chat.back()) return;
    pids.push_back(chat.back()->pid());
    ports.push_back(chat.back()->port());
    addresses += (k ? "," : "") + chat.back()->address();
  }
  LoadClient lc({.address = addresses, .channels = 0, .threads = o.client_threads,
                 .text_bytes = o.text_bytes});
  if (!seat(lc, members, nodes)) return;
  // Every node must hold sessions of its own (its Welcomes came on their sockets), or the
  // run would measure fewer nodes than it names.
  for (std::size_t k = 0; k < ports.size() && static_cast<int>(k) < members; ++k) {
    if (data_segments_from(ports[k]) <= 0) {
      std::fprintf(stderr, "chatbench: node-%zu serves no session\n", k + 1);
      return;
    }
  }
  run.members_on.assign(static_cast<std::size_t>(nodes), 0);
  for (int i = 0; i < members; ++i) ++run.members_on[static_cast<std::size_t>(i % nodes)];
  // Called at the start and at the end of the interval: every process's CPU then.
  std::vector<std::vector<double>> nodes_at;
  std::vector<double> nats_at;
  std::vector<ThreadCpu> node1_at;
  std::vector<double> wait_at;
  const CpuProbe probe = [&](double) {
    node1_at.push_back(threads_of(pids.front()));
    wait_at.push_back(runqueue_wait_s(pids.front()));
    std::vector<double> each;
    for (const pid_t pid : pids) each.push_back(proc_cpu_s(pid));
    nodes_at.push_back(each);
    nats_at.push_back(cpu_sum(nats->pids()));
    return cpu_sum(pids);
  };
  const auto expected = static_cast<std::uint64_t>(members) * members * messages;
  run.fan = measure_saturating(o, lc, members, expected, messages, ports, probe);
  lc.close();
  if (nodes_at.size() == 2) {
    for (std::size_t k = 0; k < pids.size(); ++k) {
      run.node_cpu_s.push_back(nodes_at[1][k] - nodes_at[0][k]);
    }
    run.nats_cpu_s = nats_at[1] - nats_at[0];
    run.node1_threads = busiest(node1_at[0], node1_at[1], run.fan.seconds);
    if (run.fan.seconds > 0) run.node1_waiting = (wait_at[1] - wait_at[0]) / run.fan.seconds;
  }
  run.client_cpu_s = run.fan.client_cores * run.fan.seconds;
}  // the nodes stop before NATS, and both before their data goes
}  // namespace

double ClusterRun::total_cpu_s() const {
  return std::max(0.0, fan.cpu_s) + std::max(0.0, nats_cpu_s) + client_cpu_s;
}

bool ClusterRun::whole() const {
  return fan.ok && fan.lost == 0 && fan.delivered == fan.expected;
}

ClusterRun cluster_once(const Options& o, const std::string& chatd, int nodes, int members,
                        int messages) {
  ClusterRun run;
  run.nodes = nodes;
  run.members = members;
  run.messages = messages;
  static int runs = 0;
  const std::string dir = scratch(o, fmt::format("cluster-{}", runs++));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // a fresh cluster, even in a --dir used before
  measure_in(o, chatd, dir, run);
  if (!run.whole()) {
    std::fprintf(stderr, "chatbench: the logs of this run are in %s (kept with --dir)\n",
                 dir.c_str());
    return run;
  }
  std::filesystem::remove_all(dir, ec);
  return run;
}

}  // namespace chatbench
