// Resume over real gRPC: a client that reconnects with its position gets exactly what it
// missed, marked, then CaughtUp, then live; a position the kept history cannot fill gets a
// HistoryGap first.
#include "identity_user.h"

using namespace chatcore;
using chatcore::test::IdentityUser;
using chatcore::test::secret_of;
using chatcore::test::sign_in;
using chatcore::test::wait_offline;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

}  // namespace

TEST_CASE("resume: a reconnect with its position misses nothing and repeats nothing") {
  TestServer server;
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

  // A position in another life of the room (its epoch differs) cannot be filled: the gap is
  // said, never skipped silently, and the room's history follows from its first message.
  alice->close();
  wait_offline(bob, "alice");
  REQUIRE(bob->send("r", "later").ok());
  seen.epoch += 1000;
  alice = sign_in(server, "alice", 'a', {.rooms = {seen}, .last_direct_id = *away_dm});
  const auto gap = alice->log().next_of<HistoryGap>();
  CHECK(gap.room == "r");
  CHECK(gap.epoch == joined.epoch());
  CHECK(gap.first_id == 1);
  CHECK(alice->log().next_of<RoomMessage>().text == "before 1");
}
