// ClusterFiles is what a cluster node's loop keeps to move files between nodes: the secret the
// nodes share, the node registry (through ClusterNode), the Node service it serves and one
// channel per peer it fetches from. Exists only with --cluster.
#pragma once

#include <chatcore/config.h>
#include <chatcore/status.h>

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "node.grpc.pb.h"

namespace chatcore::cluster {
class ClusterNode;
}

namespace chatcore::transport {

class ClusterFiles {
 public:
  // The metadata key a fetching node puts its secret under.
  static constexpr const char* kSecretKey = "chatcore-cluster-secret";

  // Blocking, at start-up: reads the secret file (if any) and the TLS files the node uses as
  // a client of its peers. FAILED_PRECONDITION naming the file when one cannot be used.
  static Result<std::unique_ptr<ClusterFiles>> open(const Config& config,
                                                    cluster::ClusterNode& node);

  cluster::ClusterNode& node() { return node_; }
  const std::string& self() const { return self_; }
  bool has_secret() const { return !secret_.empty(); }
  const std::string& secret() const { return secret_; }
  // In constant time, so that a wrong guess tells nothing about how close it came.
  bool secret_matches(std::string_view given) const;
  // Whether `node` (a file record's) is this node: empty is a file received before the
  // cluster, or by this node.
  bool is_local(const std::string& node) const { return node.empty() || node == self_; }

  // Loop thread only: the stub for a peer's address, on a channel kept for later fetches.
  cluster::Node::Stub& stub(const std::string& address);

  cluster::Node::AsyncService service;

 private:
  ClusterFiles(cluster::ClusterNode& node, std::string self, std::string secret,
               std::shared_ptr<grpc::ChannelCredentials> credentials);

  cluster::ClusterNode& node_;
  std::string self_;
  std::string secret_;
  std::shared_ptr<grpc::ChannelCredentials> credentials_;
  std::map<std::string, std::unique_ptr<cluster::Node::Stub>> stubs_;
};

}  // namespace chatcore::transport
