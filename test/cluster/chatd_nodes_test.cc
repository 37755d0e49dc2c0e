// Three chatd processes on a three-server NATS cluster act as one chat: room messages, joins
// and leaves, DMs, member counts, history, and one nickname for the whole cluster.
#include <doctest/doctest.h>

#include <future>
#include <set>

#include "three_nodes.h"

namespace chatcore::cluster_test {
namespace {
using cluster::test::NodeUser;
}  // namespace

TEST_SUITE_BEGIN("chatd_nodes");

TEST_CASE("users on three chatd nodes share rooms, messages, joins, leaves, DMs and history") {
  ThreeNodes t;
  NodeUser alice(t.a->address(), t.home, "alice");
  NodeUser bob(t.b->address(), t.home, "bob");
  NodeUser carol(t.c->address(), t.home, "carol");
  REQUIRE(alice->create_room("hall").ok());
  CHECK(alice.log().wait_for<MemberJoined>().nickname == "alice");

  // Joins on b and c are seen on a, with the cluster's member count.
  wait_room(bob, "hall", 1);
  REQUIRE(bob->join_room("hall").ok());
  CHECK(alice.log().wait_for<MemberJoined>().members == 2);
  wait_room(carol, "hall", 2);
  const auto joined = carol->join_room("hall");
  REQUIRE_MESSAGE(joined.ok(), joined.status().to_string());
  CHECK(joined->members == 3);
  const auto seen = alice.log().wait_for<MemberJoined>();
  CHECK(seen.nickname == "carol");
  CHECK(seen.members == 3);
  CHECK(bob.log().wait_for<MemberJoined>([](auto& e) { return e.nickname == "carol"; })
            .members == 3);

  // One message from each node: every member gets all three, with the same ids in one order.
  std::vector<std::uint64_t> ids;
  for (NodeUser* from : {&alice, &bob, &carol}) {
    const auto id = (*from)->send("hall", "hello");
    REQUIRE_MESSAGE(id.ok(), id.status().to_string());
    ids.push_back(*id);
  }
  CHECK(ids[0] < ids[1]);
  CHECK(ids[1] < ids[2]);
  for (NodeUser* u : {&alice, &bob, &carol}) {
    std::vector<std::uint64_t> got;
    std::vector<std::string> senders;
    for (int i = 0; i < 3; ++i) {
      const auto m = u->log().wait_for<RoomMessage>();
      got.push_back(m.message_id);
      senders.push_back(m.sender);
    }
    CHECK(got == ids);
    CHECK(senders == std::vector<std::string>{"alice", "bob", "carol"});
  }
  for (NodeUser* u : {&alice, &bob, &carol}) CHECK(wait_room(*u, "hall", 3).last_id == ids[2]);

  // A DM from c reaches its recipient on a, and one from a reaches b.
  const auto dm = carol->send_direct("alice", "psst");
  REQUIRE_MESSAGE(dm.ok(), dm.status().to_string());
  const auto got_dm = alice.log().wait_for<DirectMessage>();
  CHECK(got_dm.message_id == *dm);
  CHECK(got_dm.sender == "carol");
  CHECK(got_dm.text == "psst");
  REQUIRE(alice->send_direct("bob", "hi bob").ok());
  CHECK(bob.log().wait_for<DirectMessage>().sender == "alice");

  // A leave on b is seen on a and c with the new count.
  REQUIRE(bob->leave_room("hall").ok());
  for (NodeUser* u : {&alice, &carol}) {
    const auto left = u->log().wait_for<MemberLeft>();
    CHECK(left.nickname == "bob");
    CHECK(left.members == 2);
  }
  for (NodeUser* u : {&alice, &carol}) wait_room(*u, "hall", 2);

  // History asked of a node holds what every node wrote, oldest first.
  NodeUser dave(t.b->address(), t.home, "dave");
  wait_room(dave, "hall", 2);
  REQUIRE(dave->join_room("hall").ok());
  const auto history = dave->history("hall");
  REQUIRE_MESSAGE(history.ok(), history.status().to_string());
  std::vector<std::uint64_t> kept;
  for (const auto& m : history->messages) {
    if (m.text == "hello") kept.push_back(m.message_id);
  }
  CHECK(kept == ids);
}

TEST_CASE("two nodes racing for one nickname: exactly one sign-in wins") {
  ThreeNodes t;
  // Several rounds, each with a new name, so that the race is really run both ways.
  for (int round = 0; round < 5; ++round) {
    const std::string nick = "zed" + std::to_string(round);
    test::TempDir at_b, at_c;
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    auto sign_in = [&](const std::string& address, const test::TempDir& home) {
      return std::async(std::launch::async, [&, start, address] {
        start.wait();
        return NodeUser::try_sign_in(address, home, nick);
      });
    };
    auto from_b = sign_in(t.b->address(), at_b);
    auto from_c = sign_in(t.c->address(), at_c);
    go.set_value();
    const Status rb = from_b.get();
    const Status rc = from_c.get();
    CHECK_MESSAGE(rb.ok() != rc.ok(), "b: " << rb.to_string() << ", c: " << rc.to_string());
    const Status& lost = rb.ok() ? rc : rb;
    CHECK_MESSAGE(lost.code == Code::already_exists, lost.to_string());
    // The third node agrees: the name is taken there too, by the winner's identity.
    test::TempDir at_a;
    CHECK(NodeUser::try_sign_in(t.a->address(), at_a, nick).code == Code::already_exists);
    CHECK(NodeUser::try_sign_in(t.a->address(), rb.ok() ? at_b : at_c, nick).ok());
  }
}

TEST_SUITE_END();

}  // namespace chatcore::cluster_test
