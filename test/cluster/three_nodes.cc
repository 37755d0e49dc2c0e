#include "three_nodes.h"

#include <chrono>
#include <thread>

namespace chatcore::cluster_test {

ThreeNodes::ThreeNodes(bool c_on_one_server) : nats(3, !c_on_one_server) {
  // The first node creates the log's stream, which takes a metadata leader that all agree on.
  REQUIRE_MESSAGE(!nats.wait_for_leader().empty(), "the NATS servers elected no leader");
  a = std::make_unique<ChatdNode>(dir, "node-a", nats.urls());
  // Node a made the stream; until its replicas elected a leader, JetStream leaves requests
  // about it unanswered, and on a loaded machine that outlasted the next node's start-up.
  const auto stream_leader = nats.wait_for_stream("CHATCORE_LOG");
  REQUIRE_MESSAGE(!stream_leader.empty(),
                  "the log's stream never had a leader with every replica current");
  b = std::make_unique<ChatdNode>(dir, "node-b", nats.urls());
  if (!c_on_one_server) {
    c = std::make_unique<ChatdNode>(dir, "node-c", nats.urls());
    return;
  }
  const auto meta_leader = nats.wait_for_leader();
  for (int i = 0; i < nats.size() && c_server < 0; ++i) {
    if (nats.name(i) != stream_leader && nats.name(i) != meta_leader) c_server = i;
  }
  c = std::make_unique<ChatdNode>(dir, "node-c", nats.url(c_server));
}

std::string ThreeNodes::list() const {
  return a->address() + "," + b->address() + "," + c->address();
}

int ThreeNodes::nats_index(ChatdNode& node) {
  const auto url = node.nats_url();
  for (int i = 0; i < nats.size(); ++i) {
    if (nats.url(i) == url) return i;
  }
  FAIL("node " << node.id() << " is on " << url << ", none of the cluster's servers");
  return -1;
}

std::uint64_t send_retrying(cluster::test::NodeUser& user, const std::string& room,
                            const std::string& text) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    const auto id = user->send(room, text);
    if (id.ok()) return *id;
    REQUIRE_MESSAGE(id.status().code == Code::unavailable, id.status().to_string());
    // A retry as a client would make it, a little later: not a wait for an event.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < until, id.status().to_string());
  }
}

std::vector<RoomMessage> whole_history(cluster::test::NodeUser& user, const std::string& room) {
  std::vector<RoomMessage> all;
  std::uint64_t before = 0;
  for (;;) {
    auto page = user->history(room, before);
    REQUIRE_MESSAGE(page.ok(), page.status().to_string());
    all.insert(all.begin(), page->messages.begin(), page->messages.end());
    if (!page->more || page->messages.empty()) return all;
    before = page->messages.front().message_id;
  }
}

std::vector<RoomMessage> messages_until(cluster::test::NodeUser& user,
                                        const std::string& last_text) {
  std::vector<RoomMessage> seen;
  do {
    seen.push_back(user.log().wait_for<RoomMessage>());
  } while (seen.back().text != last_text);
  return seen;
}

}  // namespace chatcore::cluster_test
