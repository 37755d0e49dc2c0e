// Helpers for the tests of chatd nodes in a cluster: an in-process node (a chatcore::Server
// with --cluster on a real nats-server), a user with an identity of its own that can sign in
// at any node, and the node's grpc.health.v1 status.
#pragma once

#include <chatcore/client.h>

#include <filesystem>
#include <memory>
#include <string>

#include "harness.h"
#include "nats_cluster.h"

namespace chatcore::cluster::test {

// A node of the cluster on `nats_url`, with its own database and files (and the cluster
// secret in `secret`, if given).
std::unique_ptr<chatcore::test::TestServer> start_node(const std::string& nats_url,
                                                       const std::string& node_id,
                                                       const std::filesystem::path& secret = {});

// One NATS server and two in-process nodes on it, A and B, with a home for their users'
// identities: what most two-node tests start from.
struct TwoNodes {
  cluster_test::NatsCluster nats{1};
  std::unique_ptr<chatcore::test::TestServer> a = start_node(nats.url(0), "node-a");
  std::unique_ptr<chatcore::test::TestServer> b = start_node(nats.url(0), "node-b");
  chatcore::test::TempDir home;
};

// Signed in with the identity (and resume position) kept under `home` as `nick`; its events
// go to log(). The same home and nick at another node is the same identity coming back.
class NodeUser {
 public:
  NodeUser(const chatcore::test::TestServer& node, const chatcore::test::TempDir& home,
           const std::string& nick);
  // At `servers` ("a,b": tried in turn), reconnecting by itself to the next one when the
  // session is lost.
  NodeUser(const std::string& servers, const chatcore::test::TempDir& home,
           const std::string& nick);
  ~NodeUser();
  Client* operator->() { return client_.get(); }
  chatcore::test::EventLog& log() { return *log_; }

  // How signing in as `nick` with a new identity at `node` ends.
  static Status try_sign_in(const chatcore::test::TestServer& node,
                            const chatcore::test::TempDir& home, const std::string& nick);
  // The same at a node's address (a chatd process).
  static Status try_sign_in(const std::string& address, const chatcore::test::TempDir& home,
                            const std::string& nick);

 private:
  std::unique_ptr<chatcore::test::EventLog> log_;
  std::unique_ptr<Client> client_;
};

// Asks `user`'s node (each ListRooms a round trip through its loop, which applies the log as
// it comes) until `room` has `members` members there; fails the test if it never does.
RoomInfo wait_room(NodeUser& user, const std::string& room, std::uint32_t members);

// 1 SERVING, 2 NOT_SERVING (grpc.health.v1), or -1 when the Check call failed.
int health_of(const std::string& address);
// Asks (each Check a round trip to the node's loop) until the status is `want`, for up to
// `seconds`; returns the last status seen.
int wait_health(const std::string& address, int want, int seconds = 20);

}  // namespace chatcore::cluster::test
