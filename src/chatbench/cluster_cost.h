// What a cluster node and NATS spend per operation, fitted by least squares over every node of
// every cluster run, and the paper estimate for a larger cluster on more machines that follows.
#pragma once

#include <vector>

namespace chatbench {

// One node over one measured interval: what it did and the CPU it took.
struct NodeSample {
  double published = 0;  // room messages its own sessions sent (it published them to the log)
  double delivered = 0;  // room messages it wrote to its own sessions
  double applied = 0;    // room messages it applied from the log (every node applies all)
  double cpu_s = 0;
};

// The NATS servers together over one interval.
struct NatsSample {
  double messages = 0;  // room messages stored in the stream
  double copies = 0;    // messages x consuming nodes: each node reads the whole log
  double cpu_s = 0;
};

// Microseconds of CPU; `ok` is false when the samples cannot separate the terms (one room
// size only, or too few runs).
struct NodeCost {
  bool ok = false;
  double per_publish_us = 0, per_delivery_us = 0, per_apply_us = 0;
};
struct NatsCost {
  bool ok = false;
  double per_message_us = 0, per_copy_us = 0;
};

NodeCost fit_node_cost(const std::vector<NodeSample>& samples);
NatsCost fit_nats_cost(const std::vector<NatsSample>& samples);

// `nodes` nodes on as many machines of `cores` each, one room of `members` spread evenly,
// everyone sending; the NATS servers on three of those machines, the stream's leader paying
// all of NATS's cost on one of them, beside its chatd node (the busiest machine).
struct ClusterEstimate {
  bool ok = false;
  double node_us_per_message = 0;  // one chatd node's CPU per room message
  double nats_us_per_message = 0;
  double messages_per_s = 0;       // what the busiest machine allows
  double deliveries_per_s = 0;
};
ClusterEstimate estimate_cluster(const NodeCost& node, const NatsCost& nats, int nodes,
                                 int members, double cores);

}  // namespace chatbench
