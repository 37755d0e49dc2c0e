// chatd's cluster flags (--cluster, --node-id, --advertise, --nats-creds, --nats-tls-ca):
// parsed and checked here, turned into the NATS connection's options.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cluster/nats_link.h"

namespace chatd {

struct ClusterFlags {
  std::string cluster;  // nats://H:P[,tls://H:P...]; empty: a single node, as always
  std::string node_id;
  std::string advertise;  // HOST:PORT other nodes reach this one at
  std::string nats_creds;
  std::string nats_tls_ca;
};

void add_cluster_flags(CLI::App& app, ClusterFlags& flags);
// After parsing: what is wrong with the flags together ("" when nothing).
std::string check_cluster_flags(const ClusterFlags& flags);
// The NATS servers of --cluster, in order.
std::vector<std::string> cluster_servers(const std::string& list);
chatcore::cluster::NatsLinkOptions nats_link_options(const ClusterFlags& flags);

}  // namespace chatd
