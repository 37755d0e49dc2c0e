// Seating in bulk: joins that the server holds back to write together (presence waits for
// company, a message does not) still reach every member, all of them, in order, and never
// after the messages that follow them.
#include <thread>

#include "harness.h"

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

TEST_CASE("a room filled by concurrent joins tells every member of each later join, in order") {
  TestServer server;
  constexpr int kJoiners = 24;
  TestUser host(server, "host");
  REQUIRE(host->create_room("hall").ok());
  std::vector<std::unique_ptr<TestUser>> users;
  for (int i = 0; i < kJoiners; ++i) {
    users.push_back(std::make_unique<TestUser>(server, "guest" + std::to_string(i)));
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kJoiners; i += 4) {
        const auto joined = (*users[i])->join_room("hall");
        if (!joined.ok()) FAIL_CHECK("join failed: " << joined.status().to_string());
      }
    });
  }
  for (auto& t : threads) t.join();

  // The host was first: it sees every guest arrive, the room growing by one each time.
  // Each guest sees itself arrive and then everyone after it, the same way.
  std::vector<test::EventLog*> logs{&host.log()};
  for (auto& u : users) logs.push_back(&u->log());
  for (auto* log : logs) {
    const auto first = log->next_of<MemberJoined>();
    for (auto members = first.members + 1; members <= kJoiners + 1; ++members) {
      const auto e = log->next_of<MemberJoined>();
      CHECK(e.room == "hall");
      CHECK(e.members == members);
    }
  }
  server.expect_quiet(host);
}

TEST_CASE("a message right after a join reaches members after that join's notice") {
  TestServer server;
  TestUser host(server, "host");
  REQUIRE(host->create_room("hall").ok());
  host.log().next_of<MemberJoined>();
  for (int round = 0; round < 5; ++round) {
    const std::string nick = "guest" + std::to_string(round);
    auto guest = std::make_unique<TestUser>(server, nick);
    REQUIRE((*guest)->join_room("hall").ok());
    REQUIRE((*guest)->send("hall", "hello " + std::to_string(round)).ok());
    // The join was held back for company and the message was not: it must carry the join
    // along, not overtake it.
    INFO("round " << round);
    const auto joined = host.log().next_of<MemberJoined>();
    CHECK(joined.nickname == nick);
    const auto message = host.log().next_of<RoomMessage>();
    CHECK(message.sender == nick);
    CHECK(message.text == "hello " + std::to_string(round));
    guest.reset();
    const auto left = host.log().next_of<MemberLeft>();
    CHECK(left.nickname == nick);
  }
}
