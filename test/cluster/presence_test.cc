// Presence across nodes: who is online, away or gone on another node, guests seen and reached
// from every node, and a killed node's users going offline everywhere.
#include <signal.h>

#include <chrono>
#include <thread>

#include "../hardening/chatd_process.h"
#include "nats_cluster.h"
#include "node_user.h"
#include "presence_helpers.h"

using namespace chatcore;
using chatcore::cluster_test::NatsCluster;
using chatcore::cluster::test::ask_until;
using chatcore::cluster::test::Guest;
using chatcore::cluster::test::named;
using chatcore::cluster::test::chatd_missing;
using chatcore::cluster::test::NodeUser;
using chatcore::cluster::test::TwoNodes;
using chatcore::cluster::test::online_in;
using chatcore::cluster::test::start_node;
using chatcore::test::TempDir;
using chatcore::test::TestUser;

TEST_CASE("presence: an identity on another node is online, away and offline there too") {
  TwoNodes t;
  NodeUser alice(*t.a, t.home, "alice");
  REQUIRE(alice->create_room("hall").ok());
  auto bob = std::make_unique<NodeUser>(*t.b, t.home, "bob");
  ask_until([&] { return (*bob)->list_rooms(); },
            [](const auto& rooms) { return !rooms.empty(); }, "the room on B");
  REQUIRE((*bob)->join_room("hall").ok());
  CHECK(alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "bob"; })
            .members == 2);

  // A lists B's user as online, counts it in the room and finds it by Whois.
  const auto users = ask_until([&] { return alice->list_users(); },
                               [](const auto& u) { return named(u, "bob") != nullptr; },
                               "bob in A's ListUsers");
  CHECK(named(users, "bob")->presence == Presence::online);
  CHECK_FALSE(named(users, "bob")->guest);
  CHECK(ask_until([&] { return alice->list_rooms(); },
                  [](const auto& r) { return online_in(r, "hall") == 2; }, "2 online in hall")
            .size() == 1);
  const auto who = alice->whois("bob");
  REQUIRE_MESSAGE(who.ok(), who.status().to_string());
  CHECK(who->online);
  CHECK(who->rooms == std::vector<std::string>{"hall"});
  const auto members = alice->list_users("hall");
  REQUIRE(members.ok());
  REQUIRE(named(*members, "bob") != nullptr);
  CHECK(named(*members, "bob")->presence == Presence::online);

  // Away and back on B are seen on A as they would be on one server.
  REQUIRE((*bob)->set_away("lunch").ok());
  const auto away = alice.log().wait_notice<PresenceChanged>();
  CHECK(away.nickname == "bob");
  CHECK(away.presence == Presence::away);
  CHECK(away.away_message == "lunch");
  CHECK(alice->whois("bob")->presence == Presence::away);
  REQUIRE((*bob)->set_away("").ok());
  CHECK(alice.log().wait_notice<PresenceChanged>().presence == Presence::online);

  // Its session ends on B: A sees it go offline, and it stays a member.
  bob.reset();
  const auto gone = alice.log().wait_for<MemberLeft>();
  CHECK(gone.nickname == "bob");
  CHECK(gone.reason == "offline");
  CHECK(gone.members == 2);
  CHECK(alice->whois("bob")->presence == Presence::offline);
  CHECK(online_in(*alice->list_rooms(), "hall") == 1);
}

TEST_CASE("presence: a guest on another node is listed, seen joining and leaving, and DM'd") {
  TwoNodes t;
  NodeUser alice(*t.b, t.home, "alice");
  REQUIRE(alice->create_room("den").ok());
  TestUser gus(*t.a, "gus");
  ask_until([&] { return gus->list_rooms(); }, [](const auto& r) { return !r.empty(); },
            "the room on A");
  REQUIRE(gus->join_room("den").ok());
  const auto joined =
      alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "gus"; });
  CHECK(joined.members == 2);

  const auto members = alice->list_users("den");
  REQUIRE(members.ok());
  REQUIRE(named(*members, "gus") != nullptr);
  CHECK(named(*members, "gus")->guest);
  const auto who = alice->whois("gus");
  REQUIRE_MESSAGE(who.ok(), who.status().to_string());
  CHECK(who->guest);
  CHECK(who->rooms == std::vector<std::string>{"den"});
  CHECK(named(*alice->list_users(), "gus") != nullptr);

  // DMs both ways.
  const auto to_gus = alice->send_direct("gus", "hello guest");
  REQUIRE_MESSAGE(to_gus.ok(), to_gus.status().to_string());
  CHECK(gus.log().wait_for<DirectMessage>().text == "hello guest");
  const auto to_alice = gus->send_direct("alice", "hello identity");
  REQUIRE_MESSAGE(to_alice.ok(), to_alice.status().to_string());
  CHECK(alice.log()
            .wait_for<DirectMessage>([](const auto& m) { return m.sender == "gus"; })
            .text == "hello identity");

  // Its nickname is taken on B, for a guest and for a new identity alike.
  auto other_guest = Client::open(t.b->address());
  REQUIRE(other_guest.ok());
  CHECK((*other_guest)->login("gus", [](const Event&) {}, [](const Status&) {}).status().code ==
        Code::already_exists);
  TempDir other;
  CHECK(NodeUser::try_sign_in(*t.b, other, "gus").code == Code::already_exists);

  // Its leave is seen on B; the room stays for its remaining member.
  REQUIRE(gus->leave_room("den").ok());
  const auto left = alice.log().wait_for<MemberLeft>();
  CHECK(left.nickname == "gus");
  CHECK(left.members == 1);
}

TEST_CASE("presence: two guests racing for one nickname on two nodes: exactly one keeps it") {
  TwoNodes t;
  // Each logs in and then makes a room: a write of its node, answered only after the node
  // applied everything before it in the log, its own nickname claim included. Both stay
  // connected until both are answered, so neither gives the nickname back meanwhile.
  const auto race = [](const std::string& address, const std::string& room,
                       std::unique_ptr<Client>& keep) {
    auto client = Client::open(address);
    REQUIRE(client.ok());
    keep = std::move(*client);
    auto welcome = keep->login("rex", [](const Event&) {}, [](const Status&) {});
    if (!welcome.ok()) return false;
    return keep->create_room(room).ok();
  };
  std::unique_ptr<Client> client_a;
  std::unique_ptr<Client> client_b;
  bool on_a = false;
  bool on_b = false;
  std::thread a([&] { on_a = race(t.a->address(), "ra", client_a); });
  std::thread b([&] { on_b = race(t.b->address(), "rb", client_b); });
  a.join();
  b.join();
  CHECK(on_a != on_b);
}

TEST_CASE("presence: a killed node's users go offline on the others, and its guests' names free") {
  if (chatd_missing()) return;
  NatsCluster nats{1};
  auto a = start_node(nats.url(0), "node-a");
  TempDir home;
  TempDir b_dir;
  hardening::ChatdProcess b(b_dir.path(), 0, {"--cluster", nats.url(0), "--node-id", "node-b"});
  NodeUser alice(*a, home, "alice");
  REQUIRE(alice->create_room("hall").ok());
  NodeUser bob(b.address(), home, "bob");
  ask_until([&] { return bob->list_rooms(); }, [](const auto& r) { return !r.empty(); },
            "the room on B");
  REQUIRE(bob->join_room("hall").ok());
  Guest gus(b.address(), "gus");
  REQUIRE(gus.client->join_room("hall").ok());
  alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "gus"; });
  CHECK(online_in(*alice->list_rooms(), "hall") == 3);

  // No goodbye: the node's heartbeats just stop.
  const auto killed = std::chrono::steady_clock::now();
  REQUIRE(::kill(b.pid(), SIGKILL) == 0);
  bool bob_gone = false;
  bool gus_gone = false;
  while (!bob_gone || !gus_gone) {
    const auto left = alice.log().wait_for<MemberLeft>();
    if (left.nickname == "bob") {
      CHECK(left.reason == "offline");
      bob_gone = true;
    }
    if (left.nickname == "gus") {
      CHECK(left.reason == "its server went offline");
      gus_gone = true;
    }
  }
  MESSAGE("the killed node's users went offline after "
          << std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::steady_clock::now() - killed).count()
          << " ms");
  CHECK(alice->whois("bob")->presence == Presence::offline);
  CHECK(alice->whois("gus").status().code == Code::not_found);
  CHECK(online_in(*alice->list_rooms(), "hall") == 1);
  // The dead node's guest nickname is free again, its claim in the log released too (a write
  // after the login is answered after the claim).
  TestUser again(*a, "gus");
  CHECK(again->create_room("after").ok());
  CHECK(again->whois("gus")->guest);
}
