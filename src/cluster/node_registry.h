// NodeRegistry maps each node id of the cluster to the gRPC address it advertised, in the
// JetStream key-value bucket CHATCORE_NODES, so a node can reach the one that stores a file.
#pragma once

#include <nats/nats.h>

#include <memory>
#include <string>

#include <chatcore/status.h>

namespace chatcore::cluster {

class NodeRegistry {
 public:
  static constexpr const char* kBucket = "CHATCORE_NODES";

  // Blocking, at start-up: binds to the bucket, creating it (with `replicas`) when it does not
  // exist yet. UNAVAILABLE when JetStream does not answer.
  static Result<std::unique_ptr<NodeRegistry>> open(natsConnection* nc, int replicas);
  ~NodeRegistry();
  NodeRegistry(const NodeRegistry&) = delete;
  NodeRegistry& operator=(const NodeRegistry&) = delete;

  // Blocking (a JetStream round trip, seconds while the cluster elects a leader, retried for
  // up to about 30 s), any thread: never on the loop. The last put for a node wins.
  Status put(const std::string& node, const std::string& address);
  // NOT_FOUND for a node that never advertised an address.
  Result<std::string> address_of(const std::string& node);

 private:
  // One try to bind to the bucket, or create it.
  NodeRegistry() = default;
  static natsStatus bind(NodeRegistry& registry, int replicas);

  jsCtx* js_ = nullptr;
  kvStore* kv_ = nullptr;
};

}  // namespace chatcore::cluster
