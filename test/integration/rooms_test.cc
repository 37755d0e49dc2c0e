// Rooms over real gRPC: create, join, move, leave, auto-delete, history replay.
#include "harness.h"

#include <fmt/format.h>

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

void check_joined(TestUser& user, const std::string& room, const std::string& nick,
                  std::uint32_t members) {
  CAPTURE(user.nick());
  const auto e = user.log().next_of<MemberJoined>();
  CHECK(e.room == room);
  CHECK(e.nickname == nick);
  CHECK(e.members == members);
}

void check_left(TestUser& user, const std::string& room, const std::string& nick,
                std::uint32_t members) {
  CAPTURE(user.nick());
  const auto e = user.log().next_of<MemberLeft>();
  CHECK(e.room == room);
  CHECK(e.nickname == nick);
  CHECK(e.members == members);
}

std::vector<std::pair<std::string, std::uint32_t>> rooms_of(TestUser& user) {
  const auto rooms = user->list_rooms();
  REQUIRE_MESSAGE(rooms.ok(), rooms.status().to_string());
  std::vector<std::pair<std::string, std::uint32_t>> out;
  for (const auto& r : *rooms) out.emplace_back(r.name, r.members);
  return out;
}

using Rooms = std::vector<std::pair<std::string, std::uint32_t>>;

}  // namespace

TEST_CASE("rooms: create, duplicates, joining, listing with counts") {
  TestServer server;
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  TestUser carol(server, "carol");

  const auto created = alice->create_room("lounge");
  REQUIRE_MESSAGE(created.ok(), created.status().to_string());
  CHECK(created->name == "lounge");
  CHECK(created->members == 1);
  check_joined(alice, "lounge", "alice", 1);

  CHECK(bob->create_room("lounge").status().code == Code::already_exists);
  CHECK(bob->create_room("two words").status().code == Code::invalid_argument);
  CHECK(bob->join_room("nowhere").status().code == Code::not_found);
  REQUIRE(bob->create_room("attic").ok());
  check_joined(bob, "attic", "bob", 1);

  // The joiner and every member hear of it; an empty history replays nothing.
  const auto joined = carol->join_room("lounge");
  REQUIRE(joined.ok());
  CHECK(joined->name == "lounge");
  CHECK(joined->members == 2);
  check_joined(carol, "lounge", "carol", 2);
  check_joined(alice, "lounge", "carol", 2);

  CHECK(rooms_of(carol) == Rooms{{"attic", 1}, {"lounge", 2}});
  server.expect_quiet(bob);  // attic heard nothing of lounge

  // Joining another room adds a membership: bob stays in attic.
  const auto added = bob->join_room("lounge");
  REQUIRE(added.ok());
  CHECK(added->members == 3);
  check_joined(bob, "lounge", "bob", 3);
  check_joined(alice, "lounge", "bob", 3);
  check_joined(carol, "lounge", "bob", 3);
  CHECK(rooms_of(alice) == Rooms{{"attic", 1}, {"lounge", 3}});

  // Creating a room adds it too; carol still hears lounge.
  REQUIRE(carol->create_room("den").ok());
  check_joined(carol, "den", "carol", 1);
  REQUIRE(alice->send("lounge", "all here").ok());
  for (TestUser* u : {&alice, &bob, &carol}) {
    const auto m = u->log().next_of<RoomMessage>();
    CHECK(m.text == "all here");
    CHECK(m.room == "lounge");
  }
  // Each message carries its room: bob hears attic apart from lounge, and only he does.
  REQUIRE(bob->send("attic", "upstairs").ok());
  const auto upstairs = bob.log().next_of<RoomMessage>();
  CHECK(upstairs.room == "attic");
  server.expect_quiet(alice);
  server.expect_quiet(carol);
  CHECK(carol->send("attic", "can I?").status().code == Code::failed_precondition);

  const auto users = alice->list_users("lounge");
  REQUIRE(users.ok());
  REQUIRE(users->size() == 3);
  CHECK((*users)[0].nickname == "alice");
  CHECK((*users)[1].nickname == "bob");
  CHECK((*users)[1].rooms == std::vector<std::string>{"attic", "lounge"});
  CHECK((*users)[1].room == "attic");
  CHECK((*users)[1].online);
  CHECK((*users)[1].guest);
  CHECK((*users)[2].rooms == std::vector<std::string>{"den", "lounge"});
}

TEST_CASE("rooms: leave, the notice to those who remain, auto-delete") {
  TestServer server;
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  REQUIRE(alice->create_room("lounge").ok());
  REQUIRE(bob->join_room("lounge").ok());
  check_joined(alice, "lounge", "alice", 1);
  check_joined(alice, "lounge", "bob", 2);
  check_joined(bob, "lounge", "bob", 2);

  CHECK(alice->leave_room().ok());
  check_left(bob, "lounge", "alice", 1);
  // The leaver hears its own leave as confirmation.
  check_left(alice, "lounge", "alice", 1);
  CHECK(alice->leave_room().status().code == Code::failed_precondition);
  CHECK(alice->send("lounge", "hello?").status().code == Code::failed_precondition);

  REQUIRE(bob->send("lounge", "alone").ok());
  CHECK(bob.log().next_of<RoomMessage>().text == "alone");
  server.expect_quiet(alice);

  const auto left = bob->leave_room();
  REQUIRE(left.ok());
  CHECK(left->name.empty());
  check_left(bob, "lounge", "bob", 0);
  CHECK(rooms_of(alice).empty());
  CHECK(alice->join_room("lounge").status().code == Code::not_found);
  CHECK(alice->list_users("lounge").status().code == Code::not_found);
  // A new room of the same name starts empty, without the old history.
  REQUIRE(alice->create_room("lounge").ok());
  check_joined(alice, "lounge", "alice", 1);
  server.expect_quiet(alice);
}

TEST_CASE("rooms: history is replayed to a joiner, marked replay, bounded by the limit") {
  TestServer server([](Config& c) { c.limits.history = 3; });
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  REQUIRE(alice->create_room("hist").ok());
  check_joined(alice, "hist", "alice", 1);
  std::vector<std::uint64_t> ids;
  for (std::uint64_t i = 1; i <= 5; ++i) {
    const auto id = alice->send("hist", fmt::format("m{}", i), 100 + i);
    REQUIRE(id.ok());
    ids.push_back(*id);
    CHECK(alice.log().next_of<RoomMessage>().message_id == *id);
  }

  REQUIRE(bob->join_room("hist").ok());
  const auto replay = bob.log().next_of<HistoryReplay>();
  CHECK(replay.room == "hist");
  CHECK(replay.count == 3);
  for (std::uint64_t i = 3; i <= 5; ++i) {
    const auto m = bob.log().next_of<RoomMessage>();
    CHECK(m.replay);
    CHECK(m.text == fmt::format("m{}", i));
    CHECK(m.sender == "alice");
    CHECK(m.client_msg_id == 100 + i);
    CHECK(m.message_id == ids[i - 1]);
    CHECK(m.sent_unix_ms > 0);
  }
  check_joined(bob, "hist", "bob", 2);
  check_joined(alice, "hist", "bob", 2);

  // Live messages after the replay are not marked, for anyone.
  REQUIRE(bob->send("hist", "live").ok());
  for (TestUser* u : {&alice, &bob}) {
    const auto m = u->log().next_of<RoomMessage>();
    CHECK(m.text == "live");
    CHECK_FALSE(m.replay);
  }
  server.expect_quiet(alice);  // the replay went to the joiner only
}
