// Memberships over real gRPC: many rooms at once, an identity still a member while offline,
// leaving by name, the last leave deleting the room; DMs kept for an offline owner; History.
#include "identity_user.h"

#include <fmt/format.h>

using namespace chatcore;
using chatcore::test::IdentityUser;
using chatcore::test::secret_of;
using chatcore::test::sign_in;
using chatcore::test::wait_offline;
using chatcore::test::TestServer;
using chatcore::test::TestUser;
using Stub = chatcore::v1::Chat::Stub;

namespace {

grpc::Status create(IdentityUser& user, const std::string& room) {
  v1::CreateRoomRequest request;
  request.set_session(user.token());
  request.set_name(room);
  v1::RoomResponse response;
  return test::call(user.stub(), &Stub::CreateRoom, request, response);
}

grpc::Status leave(IdentityUser& user, const std::string& room, v1::RoomResponse* out = nullptr) {
  v1::LeaveRoomRequest request;
  request.set_session(user.token());
  request.set_room(room);
  v1::RoomResponse response;
  auto status = test::call(user.stub(), &Stub::LeaveRoom, request, response);
  if (out != nullptr) *out = response;
  return status;
}

v1::ListRoomsResponse rooms(IdentityUser& user) {
  v1::ListRoomsRequest request;
  request.set_session(user.token());
  v1::ListRoomsResponse response;
  REQUIRE(test::call(user.stub(), &Stub::ListRooms, request, response).ok());
  return response;
}

}  // namespace

TEST_CASE("rooms: an identity is in many rooms, stays in them offline, and leaves by name") {
  TestServer server;
  auto alice = sign_in(server, "alice", 'a');
  REQUIRE(create(*alice, "one").ok());
  REQUIRE(create(*alice, "two").ok());
  TestUser bob(server, "bob");
  REQUIRE(bob->join_room("one").ok());
  CHECK(bob.log().next_of<MemberJoined>().nickname == "bob");
  auto listed = rooms(*alice);
  REQUIRE(listed.rooms_size() == 2);
  CHECK(listed.rooms(0).members() == 2);
  CHECK(listed.rooms(0).online() == 2);
  CHECK(listed.rooms(0).epoch() != listed.rooms(1).epoch());

  // Offline she is still a member: counted, listed, and her room without anyone online stays.
  alice->close();
  const auto gone = bob.log().next_of<MemberLeft>();
  CHECK(gone.nickname == "alice");
  CHECK(gone.reason == "offline");
  CHECK(gone.members == 2);
  const auto after = bob->list_rooms();
  REQUIRE(after.ok());
  REQUIRE(after->size() == 2);
  CHECK((*after)[0].members == 2);
  CHECK((*after)[1].name == "two");
  CHECK((*after)[1].members == 1);
  const auto members = bob->list_users("one");
  REQUIRE(members.ok());
  REQUIRE(members->size() == 2);
  CHECK((*members)[0].nickname == "alice");
  CHECK_FALSE((*members)[0].online);
  CHECK((*members)[0].rooms == std::vector<std::string>{"one", "two"});
  REQUIRE(bob->send("one", "while you were away").ok());
  bob.log().next_of<RoomMessage>();

  // Back: both rooms restored, with what was said meanwhile, then live.
  alice = sign_in(server, "alice", 'a');
  REQUIRE(alice->welcome().rooms.size() == 2);
  CHECK(alice->welcome().rooms[0].name == "one");
  CHECK(alice->welcome().rooms[0].last_id == 1);
  CHECK(alice->log().next_of<HistoryReplay>().room == "one");
  const auto missed = alice->log().next_of<RoomMessage>();
  CHECK(missed.text == "while you were away");
  CHECK(missed.replay);
  alice->log().next_of<CaughtUp>();
  CHECK(bob.log().next_of<MemberJoined>().nickname == "alice");

  // Leaving: by name when in several rooms; the room goes with its last member.
  CHECK(leave(*alice, "").error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  v1::RoomResponse left;
  REQUIRE(leave(*alice, "two", &left).ok());
  CHECK(left.members() == 0);
  CHECK(leave(*alice, "two").error_code() == grpc::StatusCode::NOT_FOUND);
  REQUIRE(rooms(*alice).rooms_size() == 1);
  REQUIRE(bob->leave_room().ok());  // the only room he is in
  REQUIRE(rooms(*alice).rooms_size() == 1);  // alice keeps it
  REQUIRE(leave(*alice, "").ok());           // now her only room
  CHECK(rooms(*alice).rooms_size() == 0);
}

TEST_CASE("messages: a DM to an offline identity is kept and delivered at its next connect") {
  TestServer server;
  TestUser alice(server, "alice");
  auto bob = sign_in(server, "bob", 'b');
  bob->close();
  wait_offline(alice, "bob");

  const auto id = alice->send_direct("BOB", "while you were out", 5);
  REQUIRE_MESSAGE(id.ok(), id.status().to_string());
  const auto echo = alice.log().next_of<DirectMessage>();
  CHECK(echo.recipient == "bob");
  CHECK(alice->send_direct("nobody", "x").status().code == Code::not_found);

  bob = sign_in(server, "bob", 'b');
  const auto dm = bob->log().next_of<DirectMessage>();
  CHECK(dm.message_id == *id);
  CHECK(dm.sender == "alice");
  CHECK(dm.text == "while you were out");
  CHECK(dm.missed);
  CHECK(bob->log().next_of<CaughtUp>().direct_messages == 1);
}

TEST_CASE("history: a member pages back through a room, oldest first") {
  // The hub keeps only 2 messages per room in memory: pages further back come from the store.
  TestServer server([](Config& c) { c.limits.history = 2; });
  auto alice = sign_in(server, "alice", 'a');
  REQUIRE(create(*alice, "h").ok());
  for (int i = 1; i <= 7; ++i) {
    v1::SendMessageRequest send;
    send.set_session(alice->token());
    send.set_room("h");
    send.set_text(fmt::format("m{}", i));
    v1::SendResponse sent;
    REQUIRE(test::call(alice->stub(), &Stub::SendMessage, send, sent).ok());
    CHECK(sent.message_id() == static_cast<std::uint64_t>(i));
  }
  const auto page = [&](std::uint64_t before, std::uint32_t limit) {
    v1::HistoryRequest request;
    request.set_session(alice->token());
    request.set_room("h");
    request.set_before_id(before);
    request.set_limit(limit);
    v1::HistoryResponse response;
    const auto status = test::call(alice->stub(), &Stub::History, request, response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    return response;
  };
  auto p = page(0, 3);
  REQUIRE(p.messages_size() == 3);
  CHECK(p.messages(0).message_id() == 5);
  CHECK(p.messages(2).text() == "m7");
  CHECK(p.messages(0).replay());
  CHECK(p.more());
  CHECK(p.epoch() == p.messages(0).room_epoch());
  p = page(5, 3);
  REQUIRE(p.messages_size() == 3);
  CHECK(p.messages(0).text() == "m2");
  p = page(2, 3);
  REQUIRE(p.messages_size() == 1);
  CHECK_FALSE(p.more());
  CHECK(page(0, 0).messages_size() == 7);

  TestUser stranger(server, "eve");
  v1::HistoryRequest request;
  request.set_session(stranger->welcome().session);
  request.set_room("h");
  v1::HistoryResponse response;
  CHECK(test::call(alice->stub(), &Stub::History, request, response).error_code() ==
        grpc::StatusCode::FAILED_PRECONDITION);
}
