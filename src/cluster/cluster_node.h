// ClusterNode is what a chat server adds when it runs as one node of a cluster: the NATS link
// and the LogStore over this node's SQLite replica, built from Config::cluster.
#pragma once

#include <chatcore/config.h>
#include <chatcore/status.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "model/hub.h"
#include "store/store.h"

namespace chatcore::cluster {

class NatsLink;
class NodeRegistry;
class PresencePlane;

class ClusterNode {
 public:
  // Blocking, before the loop starts: connects to NATS (UNAVAILABLE naming the URLs when
  // nothing answers).
  static Result<std::unique_ptr<ClusterNode>> connect(const Config& config);
  ~ClusterNode();

  // Blocking: opens the replica at `db`, sets the log up and catches up with it. The store's
  // changes from other nodes go to `hub` on the loop. The store must be closed and destroyed
  // before this node. It also starts sharing presence with the other nodes (the hub's
  // sessions out, theirs into the hub through `post`).
  Result<std::unique_ptr<store::Store>> open_store(const std::filesystem::path& db,
                                                   store::Post post, model::ChatHub& hub);
  // Any thread, before the hub and the loop's Waker go: stops the presence plane (the other
  // nodes are told this node's sessions are gone). Idempotent.
  void stop();

  // Blocking, any thread but the loop's (after open_store): puts this node's gRPC address in
  // the node registry, or finds another node's there (NOT_FOUND when it has none).
  Status advertise(const std::string& address);
  Result<std::string> node_address(const std::string& node);

  // Any thread.
  bool connected() const;
  // `changed` runs on a NATS thread whenever the link goes down or comes back; it must only
  // post to the loop, which then reads connected().
  void set_listener(std::function<void()> changed);

 private:
  explicit ClusterNode(const Config& config);

  const Config& config_;
  // Before link_: destroyed after the connection its subscriptions were on.
  std::unique_ptr<PresencePlane> presence_;
  std::unique_ptr<NatsLink> link_;
  std::unique_ptr<NodeRegistry> registry_;
};

}  // namespace chatcore::cluster
