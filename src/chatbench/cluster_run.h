// One measured cluster run: fresh NATS and chatd nodes, one room whose members are spread
// evenly over the nodes (senders too), the fanout load, and the CPU of every process.
#pragma once

#include <string>
#include <vector>

#include "chatbench/options.h"
#include "chatbench/scenarios.h"

namespace chatbench {

struct ClusterRun {
  int nodes = 0;
  int members = 0;
  int messages = 0;               // per member
  FanoutRun fan;                  // fan.cpu_s: all chatd nodes together
  std::vector<int> members_on;    // sessions per node
  std::vector<double> node_cpu_s; // per node, over the measured interval
  double nats_cpu_s = -1;         // every nats-server together
  double client_cpu_s = 0;        // chatbench itself
  // Node 1's busiest threads over the interval, "name cores, ..." (cores = CPU s / wall s):
  // whether one thread (the loop) bounds the node.
  std::string node1_threads;
  // Node 1's threads' time waiting for a CPU while runnable, in cores (summed over threads).
  double node1_waiting = -1;
  double total_cpu_s() const;     // chatd + NATS + chatbench
  bool whole() const;             // ran, and every delivery arrived once and in order
};

// `chatd` is the binary; the processes and their data live under options.dir and are gone
// when it returns.
ClusterRun cluster_once(const Options& options, const std::string& chatd, int nodes, int members,
                        int messages);

}  // namespace chatbench
