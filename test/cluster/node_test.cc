// Two nodes on one JetStream act as one chat: rooms, messages, joins and leaves, DMs,
// nicknames, member counts and resume across nodes; health follows the NATS link.
#include <chrono>

#include "identity_user.h"
#include "nats_cluster.h"
#include "node_user.h"

using namespace chatcore;
using chatcore::cluster::test::health_of;
using chatcore::cluster::test::NodeUser;
using chatcore::cluster::test::TwoNodes;
using chatcore::cluster::test::start_node;
using chatcore::cluster::test::wait_health;
using chatcore::cluster::test::wait_room;
using chatcore::test::TempDir;

TEST_CASE("node: users on two nodes share rooms, messages, joins, DMs and nicknames") {
  TwoNodes t;
  NodeUser alice(*t.a, t.home, "alice");
  NodeUser bob(*t.b, t.home, "bob");
  REQUIRE(alice->create_room("hall").ok());
  CHECK(alice.log().wait_for<MemberJoined>().nickname == "alice");

  // The room made on A is joined from B, and A's member sees the join.
  wait_room(bob, "hall", 1);
  const auto joined = bob->join_room("hall");
  REQUIRE_MESSAGE(joined.ok(), joined.status().to_string());
  CHECK(joined->members == 2);
  const auto seen = alice.log().wait_for<MemberJoined>();
  CHECK(seen.nickname == "bob");
  CHECK(seen.members == 2);

  // A message sent on either node reaches both members with one id.
  const auto first = alice->send("hall", "from a");
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  for (NodeUser* u : {&alice, &bob}) {
    const auto m = u->log().wait_for<RoomMessage>();
    CHECK(m.message_id == *first);
    CHECK(m.sender == "alice");
    CHECK(m.text == "from a");
  }
  const auto second = bob->send("hall", "from b");
  REQUIRE_MESSAGE(second.ok(), second.status().to_string());
  CHECK(*second == *first + 1);
  for (NodeUser* u : {&alice, &bob}) {
    const auto m = u->log().wait_for<RoomMessage>();
    CHECK(m.message_id == *second);
    CHECK(m.sender == "bob");
  }

  // Both nodes count the same members.
  CHECK(wait_room(alice, "hall", 2).last_id == *second);
  CHECK(wait_room(bob, "hall", 2).last_id == *second);

  // A DM from A reaches its recipient on B.
  const auto dm = alice->send_direct("bob", "psst");
  REQUIRE_MESSAGE(dm.ok(), dm.status().to_string());
  const auto got = bob.log().wait_for<DirectMessage>();
  CHECK(got.message_id == *dm);
  CHECK(got.sender == "alice");
  CHECK(got.text == "psst");

  // A nickname taken on A is refused on B.
  TempDir other;
  CHECK(NodeUser::try_sign_in(*t.b, other, "alice").code == Code::already_exists);

  // A leave on B is seen on A.
  REQUIRE(bob->leave_room("hall").ok());
  const auto left = alice.log().wait_for<MemberLeft>();
  CHECK(left.nickname == "bob");
  CHECK(left.members == 1);
}

TEST_CASE("node: an identity that used node A resumes on node B") {
  TwoNodes t;
  NodeUser bob(*t.b, t.home, "bob");
  REQUIRE(bob->create_room("den").ok());
  NodeUser carol(*t.a, t.home, "carol");
  wait_room(carol, "den", 1);

  auto alice = chatcore::test::sign_in(*t.a, "alice", 'a');
  v1::JoinRoomRequest join;
  join.set_session(alice->token());
  join.set_name("den");
  v1::RoomResponse joined;
  REQUIRE(chatcore::test::call(alice->stub(), &v1::Chat::Stub::JoinRoom, join, joined).ok());
  CHECK(bob.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "alice"; })
            .members == 2);
  REQUIRE(bob->send("den", "seen").ok());
  RoomPosition seen{.room = "den", .epoch = joined.epoch(), .last_id = 0};
  seen.last_id = alice->log().wait_for<RoomMessage>().message_id;
  alice->close();

  REQUIRE(bob->send("den", "missed 1").ok());
  REQUIRE(bob->send("den", "missed 2").ok());
  const auto dm = bob->send_direct("alice", "missed dm");
  REQUIRE_MESSAGE(dm.ok(), dm.status().to_string());

  // At the other node with the position it had: what it missed in its room, then its DM.
  alice = chatcore::test::sign_in(*t.b, "alice", 'a', {.rooms = {seen}, .last_direct_id = 0});
  for (int i = 1; i <= 2; ++i) {
    const auto m = alice->log().wait_for<RoomMessage>();
    CHECK(m.text == "missed " + std::to_string(i));
    CHECK(m.message_id == seen.last_id + static_cast<std::uint64_t>(i));
    CHECK(m.missed);
  }
  const auto missed_dm = alice->log().wait_for<DirectMessage>();
  CHECK(missed_dm.message_id == *dm);
  CHECK(missed_dm.missed);
  const auto caught = alice->log().wait_for<CaughtUp>();
  CHECK(caught.room_messages == 2);
  CHECK(caught.direct_messages == 1);
}

TEST_CASE("node: a client whose node stops moves to the next of its list and misses nothing") {
  TwoNodes t;
  NodeUser bob(*t.b, t.home, "bob");
  REQUIRE(bob->create_room("den").ok());
  NodeUser alice(t.a->address() + "," + t.b->address(), t.home, "alice");
  wait_room(alice, "den", 1);
  REQUIRE(alice->join_room("den").ok());
  REQUIRE(bob->send("den", "before").ok());
  CHECK(alice.log().wait_for<RoomMessage>().text == "before");

  t.a.reset();  // node A shuts down: alice's session there ends
  REQUIRE(bob->send("den", "while away").ok());
  const auto dm = bob->send_direct("alice", "dm while away");
  REQUIRE_MESSAGE(dm.ok(), dm.status().to_string());
  // Her client goes on at node B by itself, resuming where it stopped.
  const auto away = alice.log().wait_for<RoomMessage>();
  CHECK(away.text == "while away");
  CHECK(alice.log().wait_for<DirectMessage>().message_id == *dm);
  REQUIRE(alice->send("den", "back").ok());
  CHECK(bob.log().wait_for<RoomMessage>([](const auto& m) { return m.text == "back"; }).sender ==
        "alice");
}

TEST_CASE("node: health is NOT_SERVING while NATS is away, and writes fail clearly") {
  TwoNodes t;
  NodeUser alice(*t.a, t.home, "alice");
  REQUIRE(alice->create_room("hall").ok());
  CHECK(health_of(t.a->address()) == 1);
  const auto metrics = t.a->server().metrics_text();
  CHECK(metrics.find("chatcore_cluster_node_info{node=\"node-a\"} 1\n") != std::string::npos);
  CHECK(metrics.find("\nchatcore_nats_connected 1\n") != std::string::npos);

  t.nats.stop(0);
  CHECK(wait_health(t.a->address(), 2) == 2);
  // The health change and the gauge are set in the same loop step.
  CHECK(t.a->server().metrics_text().find("\nchatcore_nats_connected 0\n") != std::string::npos);
  const auto refused = alice->send("hall", "into the void");
  CHECK(refused.status().code == Code::unavailable);

  t.nats.restart(0);
  CHECK(wait_health(t.a->address(), 1) == 1);
  CHECK(wait_health(t.b->address(), 1) == 1);
  CHECK(t.a->server().metrics_text().find("\nchatcore_nats_connected 1\n") != std::string::npos);
  const auto back = alice->send("hall", "back again");
  CHECK_MESSAGE(back.ok(), back.status().to_string());
}
