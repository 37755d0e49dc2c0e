// Rooms without members across nodes: a room whose only members are other nodes' guests is
// not deleted by a node that restarts, a room emptied by a crash goes once the restarted node
// knows who is online, and a killed node's guests' rooms are deleted by every live node.
#include <signal.h>

#include <chrono>
#include <cstdlib>

#include "../hardening/chatd_process.h"
#include "nats_cluster.h"
#include "node_user.h"
#include "presence_helpers.h"

using namespace chatcore;
using chatcore::cluster::test::ask_until;
using chatcore::cluster::test::Guest;
using chatcore::cluster::test::members_in;
using chatcore::cluster::test::chatd_missing;
using chatcore::cluster::test::NodeUser;
using chatcore::cluster::test::start_node;
using chatcore::cluster_test::NatsCluster;
using chatcore::test::TempDir;
using chatcore::test::TestUser;

TEST_CASE("rooms: a room whose only member is another node's guest survives this node's restart") {
  if (chatd_missing()) return;
  NatsCluster nats{1};
  auto b = start_node(nats.url(0), "node-b");
  TempDir a_dir;
  const std::vector<std::string> a_flags{"--cluster", nats.url(0), "--node-id", "node-a"};
  auto a = std::make_unique<hardening::ChatdProcess>(a_dir.path(), 0, a_flags);
  TestUser gus(*b, "gus");
  REQUIRE(gus->create_room("den").ok());
  {
    Guest probe(a->address(), "probe");
    ask_until([&] { return probe.client->list_rooms(); },
              [](const auto& r) { return members_in(r, "den") == 1; }, "den with gus on A");
  }
  // A's replica holds den without a member (guests are not stored); A restarts meanwhile.
  a->stop();
  a = std::make_unique<hardening::ChatdProcess>(a_dir.path(), 0, a_flags);
  const auto known = a->wait_for_line("every live node's sessions are known");
  CHECK_MESSAGE(known.find("0 of the 1 rooms") != std::string::npos, known);
  Guest probe(a->address(), "probe");
  CHECK(members_in(*probe.client->list_rooms(), "den") == 1);
  CHECK(members_in(*gus->list_rooms(), "den") == 1);
  CHECK(gus->send("den", "still here").ok());
}

TEST_CASE("rooms: a room emptied by a crash goes once the restarted node knows who is online") {
  if (chatd_missing()) return;
  NatsCluster nats{1};
  TempDir dir;
  TempDir home;
  const std::vector<std::string> flags{"--cluster", nats.url(0), "--node-id", "node-a"};
  auto a = std::make_unique<hardening::ChatdProcess>(dir.path(), 0, flags);
  {
    NodeUser alice(a->address(), home, "alice");
    REQUIRE(alice->create_room("kept").ok());  // an offline identity is still a member
    Guest gus(a->address(), "gus");
    REQUIRE(gus.client->create_room("lonely").ok());
    REQUIRE(::kill(a->pid(), SIGKILL) == 0);  // no leave, no deletion
  }
  a.reset();
  a = std::make_unique<hardening::ChatdProcess>(dir.path(), 0, flags);
  const auto known = a->wait_for_line("every live node's sessions are known");
  CHECK_MESSAGE(known.find("1 of the 1 rooms") != std::string::npos, known);
  Guest probe(a->address(), "probe");
  const auto rooms = ask_until([&] { return probe.client->list_rooms(); },
                               [](const auto& r) { return members_in(r, "lonely") == -1; },
                               "lonely deleted");
  CHECK(members_in(rooms, "kept") == 1);
}

TEST_CASE("rooms: a room whose last member was a killed node's guest goes on every live node") {
  if (chatd_missing()) return;
  NatsCluster nats{1};
  auto a = start_node(nats.url(0), "node-a");
  auto c = start_node(nats.url(0), "node-c");
  TempDir b_dir;
  hardening::ChatdProcess b(b_dir.path(), 0, {"--cluster", nats.url(0), "--node-id", "node-b"});
  TestUser ann(*a, "ann");
  TestUser cid(*c, "cid");
  REQUIRE(ann->create_room("hall").ok());
  Guest gus(b.address(), "gus");
  REQUIRE(gus.client->create_room("den").ok());
  for (auto* user : {&ann, &cid}) {
    ask_until([&] { return (*user)->list_rooms(); },
              [](const auto& r) { return members_in(r, "den") == 1; }, "den with gus");
  }

  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(::kill(b.pid(), SIGKILL) == 0);
  // Both live nodes delete den by its epoch; the first deletion in the log takes it.
  for (auto* user : {&ann, &cid}) {
    const auto rooms = ask_until([&] { return (*user)->list_rooms(); },
                                 [](const auto& r) { return members_in(r, "den") == -1; },
                                 "den deleted");
    CHECK(members_in(rooms, "hall") == 1);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - killed);
  MESSAGE("the killed node's guest's room was gone on both nodes after " << took.count() << " ms");
  // Dead after 3 s of silence, checked every 250 ms: 3-4 s, with some slack for a busy machine.
  CHECK(took < std::chrono::milliseconds(5000));
  // The same name again is a new room that the deletions do not touch.
  REQUIRE(ann->create_room("den").ok());
  CHECK(ask_until([&] { return cid->list_rooms(); },
                  [](const auto& r) { return members_in(r, "den") == 1; }, "den again on C")
            .size() == 2);
  CHECK(members_in(*ann->list_rooms(), "den") == 1);
}
