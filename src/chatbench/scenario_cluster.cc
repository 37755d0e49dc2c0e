// cluster: the fanout load with one room's members spread evenly over 1, 2 and 3 chatd nodes
// on NATS JetStream, interleaved rounds, medians; per node count the rate, p99, losses and
// whose CPU it took, then what a node spends per operation (fitted from every run) and the
// paper estimate for more nodes on more machines.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <thread>

#include "chatbench/bench_processes.h"
#include "chatbench/cluster_cost.h"
#include "chatbench/cluster_run.h"
#include "chatbench/scenarios.h"
#include "chatbench/stats.h"

namespace chatbench {
namespace {

double per_100k(double cpu_s, std::uint64_t delivered) {
  return cpu_s < 0 || delivered == 0 ? -1 : cpu_s * 1e5 / static_cast<double>(delivered);
}

double share(double part, double total) { return total > 0 && part >= 0 ? part / total : -1; }

ClusterRun& median(std::vector<ClusterRun>& runs) {
  std::sort(runs.begin(), runs.end(), [](const ClusterRun& a, const ClusterRun& b) {
    return a.fan.deliveries_per_s < b.fan.deliveries_per_s;
  });
  return runs[runs.size() / 2];
}

// What each node and NATS did in a run, for the fit.
void add_samples(const ClusterRun& r, std::vector<NodeSample>& nodes, std::vector<NatsSample>& nats) {
  if (!r.whole() || r.node_cpu_s.size() != r.members_on.size()) return;
  const double messages = static_cast<double>(r.members) * r.messages;
  for (std::size_t k = 0; k < r.node_cpu_s.size(); ++k) {
    const double local = r.members_on[k];
    nodes.push_back({.published = local * r.messages, .delivered = local * messages,
                     .applied = messages, .cpu_s = r.node_cpu_s[k]});
  }
  nats.push_back({.messages = messages, .copies = messages * r.nodes, .cpu_s = r.nats_cpu_s});
}

Record run_record(const Options& o, const ClusterRun& r, double one_node_rate) {
  const double total = r.total_cpu_s();
  Record rec("cluster");
  rec.add("nodes", r.nodes).add("nats_servers", o.nats).add("members", r.members)
      .add("messages", r.messages).add("runs", o.repeat)
      .add("expected", r.fan.expected).add("delivered", r.fan.delivered).add("lost", r.fan.lost)
      .add("deliveries_per_s", r.fan.deliveries_per_s)
      .add("ratio_to_1_node", ratio(r.fan.deliveries_per_s, one_node_rate))
      .add("p50_ms", r.fan.latency.percentile_ms(50)).add("p99_ms", r.fan.latency.percentile_ms(99))
      .add("server_cpu_s_per_100k", per_100k(r.fan.cpu_s, r.fan.delivered))
      .add("nats_cpu_s_per_100k", per_100k(r.nats_cpu_s, r.fan.delivered))
      .add("client_cpu_s_per_100k", per_100k(r.client_cpu_s, r.fan.delivered))
      .add("server_share", share(r.fan.cpu_s, total))
      .add("nats_share", share(r.nats_cpu_s, total))
      .add("client_share", share(r.client_cpu_s, total))
      .add("cores_busy", r.fan.seconds > 0 ? total / r.fan.seconds : 0.0)
      .add("server_writes_per_delivery",
           r.fan.server_segments < 0 || r.fan.delivered == 0
               ? -1.0
               : static_cast<double>(r.fan.server_segments) / static_cast<double>(r.fan.delivered));
  rec.add("node1_busiest_threads_cores", r.node1_threads)
      .add("node1_runqueue_wait_cores", r.node1_waiting);
  return rec;
}

Record cost_record(const Options& o, const NodeCost& node, const NatsCost& nats, int members,
                   std::size_t samples) {
  const double cores = o.machine_cores > 0 ? o.machine_cores
                                           : static_cast<double>(std::thread::hardware_concurrency());
  const ClusterEstimate e = estimate_cluster(node, nats, o.estimate_nodes, members, cores);
  Record rec("cluster_cost");
  rec.add("nats_servers", o.nats).add("node_samples", static_cast<std::uint64_t>(samples))
      .add("fit_ok", node.ok && nats.ok)
      .add("node_us_per_published_message", node.per_publish_us)
      .add("node_us_per_local_delivery", node.per_delivery_us)
      .add("node_us_per_applied_message", node.per_apply_us)
      .add("nats_us_per_message", nats.per_message_us)
      .add("nats_us_per_message_per_node", nats.per_copy_us)
      .add("estimate_nodes", o.estimate_nodes).add("estimate_members", members)
      .add("estimate_cores_per_machine", cores)
      .add("estimate_node_us_per_message", e.node_us_per_message)
      .add("estimate_nats_us_per_message", e.nats_us_per_message)
      .add("estimate_messages_per_s", e.messages_per_s)
      .add("estimate_deliveries_per_s", e.deliveries_per_s);
  return rec;
}

// Issue 13's target on this machine: lost 0 everywhere, and 2 nodes at least 1.3x one
// node's deliveries/s in the biggest room, the load generator taking the same share of the
// CPU in both (within 0.05), so that it did not set either rate.
Record target_record(const std::vector<std::pair<ClusterRun, double>>& rows, int members,
                     bool all_whole) {
  const ClusterRun* one = nullptr;
  const ClusterRun* two = nullptr;
  for (const auto& [r, ignored] : rows) {
    if (r.members != members) continue;
    if (r.nodes == 1) one = &r;
    if (r.nodes == 2) two = &r;
  }
  Record rec("cluster_target");
  rec.add("members", members);
  if (one == nullptr || two == nullptr) return rec.add("measured", false);
  const double speedup = ratio(two->fan.deliveries_per_s, one->fan.deliveries_per_s);
  const double s1 = share(one->client_cpu_s, one->total_cpu_s());
  const double s2 = share(two->client_cpu_s, two->total_cpu_s());
  const bool same_share = s1 >= 0 && s2 >= 0 && s2 - s1 <= 0.05 && s1 - s2 <= 0.05;
  rec.add("measured", true).add("lost_0_everywhere", all_whole)
      .add("two_nodes_ratio", speedup).add("client_share_1_node", s1)
      .add("client_share_2_nodes", s2).add("same_client_share", same_share)
      .add("met", all_whole && speedup >= 1.3 && same_share);
  return rec;
}

// One line per run shape, for the eye (the records above carry every field).
void print_summary(const std::vector<std::pair<ClusterRun, double>>& rows) {
  std::printf("\nnodes members  deliveries/s  x1-node  p99 ms  lost  chatd s/100k  nats share"
              "  client share\n");
  for (const auto& [r, one] : rows) {
    const double total = r.total_cpu_s();
    std::printf("%5d %7d %13.0f %8.2f %7.1f %5llu %13.3f %11.2f %13.2f\n", r.nodes, r.members,
                r.fan.deliveries_per_s, ratio(r.fan.deliveries_per_s, one),
                r.fan.latency.percentile_ms(99), static_cast<unsigned long long>(r.fan.lost),
                per_100k(r.fan.cpu_s, r.fan.delivered), share(r.nats_cpu_s, total),
                share(r.client_cpu_s, total));
  }
}
}  // namespace

bool cluster_available() { return NatsServers::available(); }

bool run_cluster(const Options& o) {
  const std::string chatd = o.chatd.empty() ? default_chatd(o.self_exe) : o.chatd;
  bool ok = true;
  std::vector<NodeSample> node_samples;
  std::vector<NatsSample> nats_samples;
  std::vector<std::pair<ClusterRun, double>> rows;
  for (const int members : o.members) {
    // As in fanout: small rooms send more each, so that every size delivers about as much.
    const int messages = o.messages * std::max(1, 100 / members);
    std::map<int, std::vector<ClusterRun>> by_nodes;
    // Interleaved: every round measures each node count once, so a neighbour's load spreads
    // over all of them rather than falling on one.
    for (int rep = 0; rep < o.repeat; ++rep) {
      for (const int nodes : o.nodes) {
        ClusterRun r = cluster_once(o, chatd, nodes, members, messages);
        if (!r.whole()) {
          std::fprintf(stderr, "chatbench: cluster run (%d nodes, %d members) %s: %llu of %llu "
                       "delivered, lost %llu\n", nodes, members, r.fan.ok ? "incomplete" : "failed",
                       static_cast<unsigned long long>(r.fan.delivered),
                       static_cast<unsigned long long>(r.fan.expected),
                       static_cast<unsigned long long>(r.fan.lost));
          ok = false;
        }
        add_samples(r, node_samples, nats_samples);
        by_nodes[nodes].push_back(std::move(r));
      }
    }
    const double one = by_nodes.count(1) ? median(by_nodes[1]).fan.deliveries_per_s : 0;
    for (auto& [nodes, runs] : by_nodes) {
      const ClusterRun& m = median(runs);
      emit(run_record(o, m, one), o.json);
      rows.emplace_back(m, one);
    }
  }
  const int biggest = *std::max_element(o.members.begin(), o.members.end());
  emit(cost_record(o, fit_node_cost(node_samples), fit_nats_cost(nats_samples), biggest,
                   node_samples.size()),
       o.json);
  emit(target_record(rows, biggest, ok), o.json);
  if (!o.json) print_summary(rows);
  return ok;
}

}  // namespace chatbench
