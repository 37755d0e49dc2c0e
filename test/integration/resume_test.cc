// Resume over real gRPC: a client that reconnects with its position gets exactly what it
// missed, marked, then CaughtUp, then live; a position the kept history cannot fill gets a
// HistoryGap first.
#include "identity_user.h"

using namespace chatcore;
using chatcore::test::IdentityUser;
using chatcore::test::secret_of;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

std::unique_ptr<IdentityUser> sign_in(TestServer& server, const std::string& nick, char secret,
                                      const ResumePosition& resume = {}) {
  auto user = IdentityUser::connect(server.address(), nick, secret_of(secret), resume);
  REQUIRE_MESSAGE(user.ok(), nick << ": " << user.status().to_string());
  return std::move(*user);
}

void wait_offline(TestUser& watcher, const std::string& nick) {
  for (int i = 0; i < 500; ++i) {
    const auto users = watcher->list_users();
    REQUIRE(users.ok());
    if (std::none_of(users->begin(), users->end(),
                     [&](const UserInfo& u) { return u.nickname == nick; })) {
      return;
    }
  }
  FAIL(nick << " is still online");
}

}  // namespace

TEST_CASE("resume: a reconnect with its position misses nothing and repeats nothing") {
  TestServer server([](Config& c) { c.limits.history = 5; });
  auto alice = sign_in(server, "alice", 'a');
  alice->log().next_of<CaughtUp>();
  TestUser bob(server, "bob");
  REQUIRE(bob->create_room("r").ok());
  v1::JoinRoomRequest join;
  join.set_session(alice->token());
  join.set_name("r");
  v1::RoomResponse joined;
  REQUIRE(test::call(alice->stub(), &v1::Chat::Stub::JoinRoom, join, joined).ok());

  RoomPosition seen{.room = "r", .epoch = joined.epoch(), .last_id = 0};
  for (int i = 1; i <= 2; ++i) REQUIRE(bob->send("r", "before " + std::to_string(i)).ok());
  for (;;) {
    const auto m = alice->log().wait_for<RoomMessage>();
    seen.last_id = m.message_id;
    if (m.text == "before 2") break;
  }
  const auto dm = bob->send_direct("alice", "dm before");
  REQUIRE(dm.ok());
  CHECK(alice->log().wait_for<DirectMessage>().message_id == *dm);

  alice->close();
  wait_offline(bob, "alice");
  for (int i = 1; i <= 3; ++i) REQUIRE(bob->send("r", "while away " + std::to_string(i)).ok());
  const auto away_dm = bob->send_direct("alice", "dm while away");
  REQUIRE(away_dm.ok());

  alice = sign_in(server, "alice", 'a', {.rooms = {seen}, .last_direct_id = *dm});
  for (int i = 1; i <= 3; ++i) {
    const auto m = alice->log().next_of<RoomMessage>();
    CHECK(m.text == "while away " + std::to_string(i));
    CHECK(m.message_id == seen.last_id + static_cast<std::uint64_t>(i));
    CHECK(m.missed);
  }
  const auto missed_dm = alice->log().next_of<DirectMessage>();
  CHECK(missed_dm.message_id == *away_dm);
  CHECK(missed_dm.missed);
  const auto caught = alice->log().next_of<CaughtUp>();
  CHECK(caught.room_messages == 3);
  CHECK(caught.direct_messages == 1);
  CHECK(alice->log().next_of<MemberJoined>().nickname == "alice");
  REQUIRE(bob->send("r", "live").ok());
  const auto live = alice->log().next_of<RoomMessage>();
  CHECK(live.text == "live");
  CHECK_FALSE(live.missed);

  // Away for longer than the kept history: the gap is said, never skipped silently.
  alice->close();
  wait_offline(bob, "alice");
  for (int i = 1; i <= 8; ++i) REQUIRE(bob->send("r", "long away " + std::to_string(i)).ok());
  seen.last_id = live.message_id;
  alice = sign_in(server, "alice", 'a', {.rooms = {seen}, .last_direct_id = *away_dm});
  const auto gap = alice->log().next_of<HistoryGap>();
  CHECK(gap.room == "r");
  CHECK(gap.epoch == seen.epoch);
  CHECK(gap.first_id == live.message_id + 4);
  CHECK(alice->log().next_of<RoomMessage>().text == "long away 4");
}
