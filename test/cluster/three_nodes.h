// ThreeNodes: three chatd processes on a three-server NATS cluster, and what the tests of
// them share: sending through an outage, and a room's messages as one user saw them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chatd_node.h"
#include "nats_cluster.h"
#include "node_user.h"

namespace chatcore::cluster_test {

using cluster::test::wait_room;

struct ThreeNodes {
  // Each node is given every NATS server. With `c_on_one_server`, node c is given one only,
  // `c_server`, which leads neither the metadata nor the log's stream, and the servers
  // announce no others to clients: stopping that server cuts c off from NATS while a and b
  // go on at the other two without an election.
  explicit ThreeNodes(bool c_on_one_server = false);

  NatsCluster nats;
  test::TempDir dir;
  std::unique_ptr<ChatdNode> a, b, c;
  int c_server = -1;
  test::TempDir home;  // the users' identities and resume positions

  // "a,b,c": a client given this list moves to b when a goes.
  std::string list() const;
  // Which of nats's servers `node` is on now.
  int nats_index(ChatdNode& node);
};

// Sends until a send is acknowledged (a write may fail with UNAVAILABLE while the sender's
// node moves to another NATS server), for up to 20 s; returns the message's id.
std::uint64_t send_retrying(cluster::test::NodeUser& user, const std::string& room,
                            const std::string& text);

// Every message of `room` that `user`'s node keeps, oldest first, page by page.
std::vector<RoomMessage> whole_history(cluster::test::NodeUser& user, const std::string& room);

// Room messages `user` receives, up to and including the one with `last_text`.
std::vector<RoomMessage> messages_until(cluster::test::NodeUser& user,
                                        const std::string& last_text);

}  // namespace chatcore::cluster_test
