// State that outlives chatd: the real binary on a data dir, stopped or killed and started
// again on the same dir. Memberships, rooms with only offline members, their history and DMs
// kept for an offline owner are all there afterwards; a room its last member left is not.
#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <array>

#include "../hardening/chatd_process.h"
#include "identity_user.h"

using namespace chatcore;
using chatcore::hardening::ChatdProcess;
using chatcore::test::IdentityUser;
using chatcore::test::secret_of;
using Stub = chatcore::v1::Chat::Stub;

namespace chatcore::test {

std::unique_ptr<IdentityUser> sign_in(const ChatdProcess& chatd, const std::string& nick,
                                      char secret, const ResumePosition& resume = {}) {
  auto user = IdentityUser::connect(chatd.address(), nick, secret_of(secret), resume);
  REQUIRE_MESSAGE(user.ok(), nick << ": " << user.status().to_string());
  return std::move(*user);
}

v1::RoomResponse room_call(IdentityUser& user, const std::string& verb, const std::string& room) {
  v1::RoomResponse out;
  grpc::Status status;
  if (verb == "create") {
    v1::CreateRoomRequest r;
    r.set_session(user.token());
    r.set_name(room);
    status = call(user.stub(), &Stub::CreateRoom, r, out);
  } else if (verb == "join") {
    v1::JoinRoomRequest r;
    r.set_session(user.token());
    r.set_name(room);
    status = call(user.stub(), &Stub::JoinRoom, r, out);
  } else {
    v1::LeaveRoomRequest r;
    r.set_session(user.token());
    r.set_room(room);
    status = call(user.stub(), &Stub::LeaveRoom, r, out);
  }
  REQUIRE_MESSAGE(status.ok(), verb << " " << room << ": " << status.error_message());
  return out;
}

grpc::Status say(IdentityUser& user, const std::string& room, const std::string& text,
                 std::uint64_t* id = nullptr) {
  v1::SendMessageRequest r;
  r.set_session(user.token());
  r.set_room(room);
  r.set_text(text);
  v1::SendResponse out;
  auto status = call(user.stub(), &Stub::SendMessage, r, out);
  if (id != nullptr) *id = out.message_id();
  return status;
}

grpc::Status tell(IdentityUser& user, const std::string& to, const std::string& text,
                  std::uint64_t* id = nullptr) {
  v1::SendDirectRequest r;
  r.set_session(user.token());
  r.set_recipient(to);
  r.set_text(text);
  v1::SendResponse out;
  auto status = call(user.stub(), &Stub::SendDirect, r, out);
  if (id != nullptr) *id = out.message_id();
  return status;
}

}  // namespace chatcore::test

using namespace chatcore::test;

TEST_SUITE("restart") {

TEST_CASE("restart: memberships, offline rooms with their history and kept DMs survive") {
  TempDir dir;
  std::uint64_t dm_id = 0;
  {
    ChatdProcess chatd(dir.path(), 0);
    auto alice = sign_in(chatd, "alice", 'a');
    room_call(*alice, "create", "keep");
    room_call(*alice, "create", "solo");
    REQUIRE(say(*alice, "keep", "first").ok());
    REQUIRE(say(*alice, "solo", "only me").ok());
    auto bob = sign_in(chatd, "bob", 'b');
    room_call(*bob, "join", "keep");
    alice->close();
    // Bob's DM to alice, who is offline now (polled until the server has seen her go).
    for (int i = 0; i < 500 && !tell(*bob, "alice", "while you were out", &dm_id).ok(); ++i) {
    }
    REQUIRE(dm_id != 0);
    bob->close();
    chatd.stop();
  }
  ChatdProcess chatd(dir.path(), 0);
  // The nickname is still owned, by alice's secret only.
  CHECK(IdentityUser::connect(chatd.address(), "alice", secret_of('x')).status().code ==
        Code::already_exists);
  auto alice = sign_in(chatd, "alice", 'a');
  const auto& rooms = alice->welcome().rooms;
  REQUIRE(rooms.size() == 2);
  CHECK(rooms[0].name == "keep");
  CHECK(rooms[0].members == 2);
  CHECK(rooms[0].last_id == 1);
  CHECK(rooms[1].name == "solo");  // only offline members: kept, with its history
  CHECK(alice->log().next_of<HistoryReplay>().room == "keep");
  CHECK(alice->log().next_of<RoomMessage>().text == "first");
  CHECK(alice->log().next_of<HistoryReplay>().room == "solo");
  CHECK(alice->log().next_of<RoomMessage>().text == "only me");
  const auto dm = alice->log().next_of<DirectMessage>();
  CHECK(dm.message_id == dm_id);
  CHECK(dm.missed);
  CHECK(alice->log().next_of<CaughtUp>().direct_messages == 1);

  // Her leaving solo, its last member, deletes it for good.
  CHECK(room_call(*alice, "leave", "solo").members() == 0);
  alice->close();
  chatd.stop();
  ChatdProcess again(dir.path(), 0);
  auto back = sign_in(again, "alice", 'a');
  REQUIRE(back->welcome().rooms.size() == 1);
  CHECK(back->welcome().rooms[0].name == "keep");
}

TEST_CASE("restart: retention removes old history, and a resume behind it is told of the gap") {
  TempDir dir;
  std::uint64_t epoch = 0;
  {
    ChatdProcess chatd(dir.path(), 0);
    auto alice = sign_in(chatd, "alice", 'a');
    epoch = room_call(*alice, "create", "r").epoch();
    for (int i = 1; i <= 5; ++i) REQUIRE(say(*alice, "r", fmt::format("m{}", i)).ok());
    alice->close();
    chatd.stop();
  }
  ChatdProcess chatd(dir.path(), 0, {"--history-keep", "2"});
  chatd.wait_for_line("retention removed 3 room messages");
  auto alice = sign_in(chatd, "alice", 'a', {.rooms = {{"r", epoch, 1}}, .last_direct_id = 0});
  const auto gap = alice->log().next_of<HistoryGap>();
  CHECK(gap.room == "r");
  CHECK(gap.first_id == 4);
  CHECK(alice->log().next_of<RoomMessage>().text == "m4");
  CHECK(alice->log().next_of<RoomMessage>().text == "m5");
  CHECK(alice->log().next_of<CaughtUp>().room_messages == 2);
}

TEST_CASE("restart: a position past what a power cut left is told of the gap, and loses nothing") {
  TempDir dir;
  std::uint64_t epoch = 0;
  {
    ChatdProcess chatd(dir.path(), 0);
    auto alice = sign_in(chatd, "alice", 'a');
    auto bob = sign_in(chatd, "bob", 'b');
    epoch = room_call(*alice, "create", "r").epoch();
    room_call(*bob, "join", "r");
    for (int i = 1; i <= 3; ++i) REQUIRE(say(*alice, "r", fmt::format("m{}", i)).ok());
    REQUIRE(tell(*bob, "alice", "d1").ok());
    REQUIRE(tell(*bob, "alice", "d2").ok());
    alice->close();
    bob->close();
    chatd.stop();
  }
  {
    // What a power cut does to the newest batch: rolled back whole, ids free again.
    SQLite::Database db((dir.path() / "db" / "chatcore.db").string(), SQLite::OPEN_READWRITE);
    SQLite::Transaction tx(db);
    db.exec("DELETE FROM messages WHERE id = 3");
    db.exec("UPDATE rooms SET last_id = 2");
    db.exec("DELETE FROM directs WHERE id = 2");
    db.exec("UPDATE sqlite_sequence SET seq = 1 WHERE name = 'directs'");
    tx.commit();
  }
  ChatdProcess chatd(dir.path(), 0);
  // Alice saw m3 and d2 before the cut.
  auto alice = sign_in(chatd, "alice", 'a', {.rooms = {{"r", epoch, 3}}, .last_direct_id = 2});
  // One gap for the room, one for the DMs (room empty), in either order.
  auto gaps = std::array{alice->log().next_of<HistoryGap>(), alice->log().next_of<HistoryGap>()};
  if (gaps[0].room.empty()) std::swap(gaps[0], gaps[1]);
  CHECK(gaps[0].room == "r");
  CHECK(gaps[0].first_id == 3);
  CHECK(gaps[1].room.empty());
  CHECK(gaps[1].first_id == 2);
  CHECK(alice->log().next_of<CaughtUp>().room_messages == 0);
  // The ids given again arrive, live and on the next resume from the gap's position.
  auto bob = sign_in(chatd, "bob", 'b');
  std::uint64_t id = 0;
  std::uint64_t dm = 0;
  REQUIRE(say(*bob, "r", "new m3", &id).ok());
  REQUIRE(tell(*bob, "alice", "new d2", &dm).ok());
  CHECK(id == 3);
  CHECK(dm == 2);
  CHECK(alice->log().wait_for<RoomMessage>().text == "new m3");
  CHECK(alice->log().wait_for<DirectMessage>().text == "new d2");
  alice->close();
  auto again = sign_in(chatd, "alice", 'a', {.rooms = {{"r", epoch, 2}}, .last_direct_id = 1});
  CHECK(again->log().next_of<RoomMessage>().text == "new m3");
  CHECK(again->log().next_of<DirectMessage>().text == "new d2");
  CHECK(again->log().next_of<CaughtUp>().room_messages == 1);
}

}  // TEST_SUITE
