// How a chat server joins a cluster of nodes that share one chat over NATS JetStream.
// Empty `servers` (the default) is a single node on its own SQLite database.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace chatcore {

struct ClusterConfig {
  std::vector<std::string> servers;  // nats://HOST:PORT or tls://HOST:PORT
  std::string node_id;               // [a-z0-9-]{1,32}, unique in the cluster
  std::string advertise;             // HOST:PORT other nodes reach this node's gRPC on
  std::filesystem::path nats_creds;  // a NATS .creds file; empty: none
  std::filesystem::path nats_tls_ca; // PEM CA for the NATS servers' certificates
  // The secret the nodes share to fetch files from one another; empty: no fetches.
  std::filesystem::path cluster_secret;
};

}  // namespace chatcore
