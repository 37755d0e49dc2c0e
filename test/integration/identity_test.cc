// Identities over real gRPC: a nickname belongs to the first secret that used it, also while
// its owner is away; a second sign-in takes the session over; guests keep working.
#include "identity_user.h"

using namespace chatcore;
using chatcore::test::IdentityUser;
using chatcore::test::secret_of;
using chatcore::test::sign_in;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

Status refusal(TestServer& server, const std::string& nick, const std::string& secret) {
  auto user = IdentityUser::connect(server.address(), nick, secret);
  REQUIRE_FALSE_MESSAGE(user.ok(), nick << " was let in");
  return user.status();
}

}  // namespace

TEST_CASE("identity: a nickname belongs to the first secret, also while its owner is away") {
  TestServer server;
  auto alice = sign_in(server, "alice", 'a');
  CHECK_FALSE(alice->welcome().guest);
  CHECK(alice->welcome().rooms.empty());
  CHECK(alice->log().next_of<CaughtUp>().direct_messages == 0);

  for (int online = 1; online >= 0; --online) {
    CAPTURE(online);
    const auto other = refusal(server, "Alice", secret_of('b'));
    CHECK(other.code == Code::already_exists);
    CHECK(other.message ==
          "nickname 'Alice' belongs to another identity (this client's secret is not the one "
          "that owns it)");
    auto guest = Client::open(server.address());
    REQUIRE(guest.ok());
    const auto as_guest = (*guest)->login("ALICE", [](const Event&) {}, [](const Status&) {});
    CHECK(as_guest.status().code == Code::already_exists);
    CHECK(as_guest.status().message.find("belongs to a registered identity") !=
          std::string::npos);
    if (online == 1) alice->close();
  }
  const auto short_secret = refusal(server, "carol", "not 32 bytes");
  CHECK(short_secret.code == Code::invalid_argument);
  CHECK(short_secret.message == "identity_secret must be 32 bytes, not 12");

  // The owner's secret gets the name back; guests go on as before for other names.
  auto back = sign_in(server, "alice", 'a');
  CHECK(back->welcome().nickname == "alice");
  TestUser guest(server, "dave");
  const auto users = guest->list_users();
  REQUIRE(users.ok());
  REQUIRE(users->size() == 2);
  CHECK_FALSE((*users)[0].guest);  // alice
  CHECK((*users)[1].guest);        // dave
}

TEST_CASE("identity: signing in again takes the session over, unseen by the room") {
  TestServer server;
  auto first = sign_in(server, "alice", 'a');
  v1::CreateRoomRequest create;
  create.set_session(first->token());
  create.set_name("r");
  v1::RoomResponse created;
  REQUIRE(test::call(first->stub(), &v1::Chat::Stub::CreateRoom, create, created).ok());
  TestUser bob(server, "bob");
  REQUIRE(bob->join_room("r").ok());
  bob.log().wait_for<MemberJoined>();

  auto second = sign_in(server, "alice", 'a');
  const auto notice = first->log().wait_for<ShutdownNotice>();
  CHECK(notice.replaced);
  CHECK(notice.reason == "signed in from another client");
  CHECK(first->log().wait_closed().ok());
  // The old token is dead; the new session has the rooms.
  v1::ListRoomsRequest list;
  list.set_session(first->token());
  v1::ListRoomsResponse rooms;
  CHECK(test::call(first->stub(), &v1::Chat::Stub::ListRooms, list, rooms).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  REQUIRE(second->welcome().rooms.size() == 1);
  CHECK(second->welcome().rooms[0].name == "r");
  CHECK(second->welcome().rooms[0].members == 2);
  CHECK(second->welcome().rooms[0].online == 2);

  // Bob saw alice neither leave nor come back: his next event is his own message.
  REQUIRE(bob->send("r", "still there?").ok());
  CHECK(bob.log().next_of<RoomMessage>().text == "still there?");
  CHECK(second->log().wait_for<RoomMessage>().text == "still there?");
}
