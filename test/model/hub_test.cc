#include "model/hub.h"

#include "fake_participant.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <chrono>

using namespace chatcore;
using chatcore::model::testing::FakeParticipant;
using chatcore::model::testing::HubFixture;

namespace {
std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

TEST_CASE_FIXTURE(HubFixture, "connect welcomes first and refuses bad or taken nicknames") {
  const auto before = now_ms();
  const auto alice = join("Alice", pa);
  CHECK(alice == 1);
  REQUIRE(pa.events.size() == 1);
  const auto& welcome = std::get<Welcome>(pa.events[0]->body);
  CHECK(welcome.nickname == "Alice");
  CHECK(welcome.server == "test-server");
  CHECK(welcome.limits.history == 3);
  CHECK(welcome.session.size() == 32);
  CHECK(welcome.session.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(pa.events[0]->seq == 0);
  CHECK(pa.events[0]->time_unix_ms >= before);
  CHECK(hub.find(welcome.session) == alice);
  CHECK(hub.find("nope") == 0);
  CHECK(hub.nickname(alice) == "Alice");
  CHECK(hub.room_of(alice).empty());

  const auto dup = hub.connect("alice", &pb);
  CHECK(dup.status().code == Code::already_exists);
  CHECK(dup.status().message == "nickname 'alice' is already taken");
  CHECK(hub.connect("Alice", &pb).status().code == Code::already_exists);
  CHECK(hub.connect("bad name", &pb).status().code == Code::invalid_argument);
  CHECK(hub.connect("", &pb).status().code == Code::invalid_argument);
  CHECK(hub.connect("a\u3000b", &pb).status().code == Code::invalid_argument);
  CHECK(pb.events.empty());

  const auto chulsoo = join("철수", pb);
  CHECK(chulsoo == 2);
  CHECK(std::get<Welcome>(pb.events[0]->body).session != welcome.session);
  CHECK(hub.session_count() == 2);
}

TEST_CASE_FIXTURE(HubFixture, "session ids are never reused and unknown ids are refused") {
  const auto a = join("a", pa);
  hub.disconnect(a, "bye");
  hub.disconnect(a, "again");  // no-op
  CHECK(hub.session_count() == 0);
  CHECK(join("a", pb) == 2);
  CHECK(hub.create_room(99, "r").status().code == Code::failed_precondition);
  CHECK(hub.send_direct(99, "a", "hi", 0).status().message == "unknown session");
  CHECK(hub.nickname(99).empty());
}

TEST_CASE_FIXTURE(HubFixture, "room lifecycle: create, duplicate, join, leave, auto-delete") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  auto created = hub.create_room(a, "Lounge");
  REQUIRE(created.ok());
  CHECK(created->name == "Lounge");
  CHECK(created->members == 1);
  CHECK(pa.last<MemberJoined>().nickname == "alice");
  CHECK(pa.count<HistoryReplay>() == 0);
  CHECK(hub.create_room(b, "lounge").status().code == Code::already_exists);
  CHECK(hub.create_room(b, "bad room").status().code == Code::invalid_argument);
  CHECK(hub.join_room(b, "nowhere").status().message == "no room named 'nowhere'");

  auto joined = hub.join_room(b, "LOUNGE");
  REQUIRE(joined.ok());
  CHECK(joined->name == "Lounge");
  CHECK(joined->members == 2);
  CHECK(hub.room_of(b) == "Lounge");
  CHECK(pa.last<MemberJoined>().nickname == "bob");
  CHECK(pa.last<MemberJoined>().members == 2);
  CHECK(pb.last<MemberJoined>().room == "Lounge");

  pa.clear();
  pb.clear();
  CHECK(hub.join_room(b, "lounge").ok());  // already there: nothing happens
  CHECK(pa.events.empty());
  CHECK(pb.events.empty());

  // A second room is added: alice stays in Lounge.
  hub.create_room(a, "Attic");
  CHECK(hub.list_rooms().size() == 2);
  CHECK(hub.list_rooms()[0].name == "Attic");
  CHECK(hub.list_rooms()[1].members == 2);
  CHECK(hub.rooms_of(a) == std::vector<std::string>{"Attic", "Lounge"});
  CHECK(pb.count<MemberLeft>() == 0);
  CHECK(hub.leave_room(a).status().code == Code::invalid_argument);  // which one?

  CHECK(hub.leave_room(a, "Lounge").ok());
  auto left = pb.last<MemberLeft>();
  CHECK(left.nickname == "alice");
  CHECK(left.members == 1);
  CHECK(left.reason == "left");
  CHECK(hub.leave_room(a, "lounge").status().message == "you are not in room 'Lounge'");
  CHECK(hub.leave_room(a, "cellar").status().code == Code::not_found);

  pa.clear();
  auto leave = hub.leave_room(a);  // the only room it is in now
  CHECK(leave.ok());
  CHECK(leave->members == 0);
  CHECK(pa.last<MemberLeft>().room == "Attic");  // told of its own departure
  CHECK(hub.list_rooms().size() == 1);           // Attic emptied and went away
  CHECK(hub.leave_room(a).status().message == "you are in no room");
  CHECK(hub.join_room(a, "Attic").status().code == Code::not_found);
}

TEST_CASE_FIXTURE(HubFixture, "user lists are sorted and name rooms canonically") {
  const auto a = join("zed", pa);
  join("Amy", pb);
  const auto c = join("bob", pc);
  hub.create_room(a, "Den");
  hub.join_room(c, "den");
  auto all = hub.list_users("");
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].nickname == "Amy");
  CHECK((*all)[0].room.empty());
  CHECK((*all)[1].nickname == "bob");
  CHECK((*all)[1].room == "Den");
  auto den = hub.list_users("DEN");
  REQUIRE(den.ok());
  REQUIRE(den->size() == 2);
  CHECK((*den)[0].nickname == "bob");
  CHECK((*den)[1].nickname == "zed");
  CHECK(hub.list_users("void").status().code == Code::not_found);
}

TEST_CASE_FIXTURE(HubFixture, "room messages reach members only, as one shared event") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto c = join("carol", pc);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  hub.create_room(c, "other");
  pa.clear();
  pb.clear();
  pc.clear();

  auto id = hub.send_room(a, "R", "hello", 77);
  REQUIRE(id.ok());
  CHECK(*id == 1);
  REQUIRE(pa.events.size() == 1);
  REQUIRE(pb.events.size() == 1);
  CHECK(pa.events[0] == pb.events[0]);
  CHECK(pc.events.empty());
  const auto m = std::get<RoomMessage>(pa.events[0]->body);
  CHECK(m.room == "r");
  CHECK(m.sender == "alice");
  CHECK(m.client_msg_id == 77);
  CHECK_FALSE(m.replay);
  CHECK(m.sent_unix_ms > 0);

  CHECK(hub.send_room(c, "r", "sneak", 0).status().message == "you are not in room 'r'");
  CHECK(hub.send_room(a, "nowhere", "x", 0).status().code == Code::not_found);
  CHECK(hub.send_room(a, "r", "   ", 0).status().code == Code::invalid_argument);
  const auto big = hub.send_room(a, "r", std::string(65, 'x'), 0);
  CHECK(big.status().code == Code::invalid_argument);
  CHECK(big.status().message.find("64") != std::string::npos);
  CHECK(m.message_id == 1);
  CHECK(m.room_epoch > 0);
  // Room ids count within the room; DMs have one sequence of their own.
  CHECK(*hub.send_direct(a, "bob", "dm", 0) == 1);
  CHECK(*hub.send_room(b, "r", "next", 0) == 2);
  CHECK(*hub.send_room(c, "other", "first there", 0) == 1);
}

TEST_CASE_FIXTURE(HubFixture, "joiners get the last history messages, oldest first, as replay") {
  const auto a = join("alice", pa);
  hub.create_room(a, "r");
  for (int i = 1; i <= 5; ++i) hub.send_room(a, "r", fmt::format("m{}", i), 0);
  const auto b = join("bob", pb);
  pb.clear();
  hub.join_room(b, "r");
  REQUIRE(pb.events.size() == 5);  // HistoryReplay, 3 messages, MemberJoined
  const auto replay = std::get<HistoryReplay>(pb.events[0]->body);
  CHECK(replay.count == 3);
  CHECK(replay.room == "r");
  for (int i = 0; i < 3; ++i) {
    const auto& m = std::get<RoomMessage>(pb.events[1 + i]->body);
    CHECK(m.text == fmt::format("m{}", i + 3));
    CHECK(m.replay);
  }
  CHECK(std::holds_alternative<MemberJoined>(pb.events[4]->body));
  CHECK_FALSE(pa.last<RoomMessage>().replay);  // the live copies were not altered

  hub.leave_room(a);
  hub.leave_room(b);  // the room empties and its history goes with it
  hub.create_room(a, "r");
  CHECK(pa.all<HistoryReplay>().empty());
}

TEST_CASE("a hub without history replays nothing") {
  model::HubConfig config;
  config.limits.history = 0;
  model::ChatHub hub(config);
  FakeParticipant pa, pb;
  const auto a = *hub.connect("a", &pa);
  const auto b = *hub.connect("b", &pb);
  hub.create_room(a, "r");
  CHECK(hub.send_room(a, "r", "hi", 0).ok());
  hub.join_room(b, "r");
  CHECK(pb.count<HistoryReplay>() == 0);
  CHECK(pb.count<RoomMessage>() == 0);
}

TEST_CASE_FIXTURE(HubFixture, "direct messages reach only recipient and sender") {
  const auto a = join("alice", pa);
  const auto b = join("Bob", pb);
  join("carol", pc);
  hub.create_room(a, "r");
  pa.clear();
  pb.clear();
  pc.clear();
  auto id = hub.send_direct(a, "BOB", "psst", 5);
  REQUIRE(id.ok());
  REQUIRE(pa.events.size() == 1);
  REQUIRE(pb.events.size() == 1);
  CHECK(pa.events[0] == pb.events[0]);
  CHECK(pc.events.empty());
  const auto dm = std::get<DirectMessage>(pb.events[0]->body);
  CHECK(dm.sender == "alice");
  CHECK(dm.recipient == "Bob");
  CHECK(dm.client_msg_id == 5);
  CHECK(hub.send_direct(a, "dave", "x", 0).status().message == "no user named 'dave'");
  CHECK(hub.send_direct(a, "bob", "\a", 0).status().code == Code::invalid_argument);
  pb.clear();
  hub.send_direct(b, "bob", "note to self", 0);
  CHECK(pb.events.size() == 1);
}

TEST_CASE_FIXTURE(HubFixture, "nick changes notify the room or the user, and DMs follow") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto c = join("carol", pc);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  pa.clear();
  pb.clear();
  pc.clear();

  CHECK(hub.change_nick(b, "carol").status().code == Code::already_exists);
  CHECK(hub.change_nick(b, "CAROL").status().code == Code::already_exists);
  CHECK(hub.change_nick(b, "no way").status().code == Code::invalid_argument);
  CHECK(pa.events.empty());
  auto renamed = hub.change_nick(b, "robert");
  REQUIRE(renamed.ok());
  CHECK(*renamed == "robert");
  CHECK(pa.events.size() == 1);
  CHECK(pa.events[0] == pb.events[0]);
  CHECK(pc.events.empty());
  const auto n = pa.last<NickChanged>();
  CHECK(n.old_nickname == "bob");
  CHECK(n.new_nickname == "robert");
  CHECK(n.room == "r");

  CHECK(hub.send_direct(a, "bob", "x", 0).status().code == Code::not_found);
  CHECK(hub.send_direct(a, "Robert", "x", 0).ok());
  CHECK(pb.last<DirectMessage>().recipient == "robert");
  CHECK(join("bob", pd) > 0);  // the old name is free again

  CHECK(hub.change_nick(b, "Robert").ok());  // own name, other case
  CHECK(hub.nickname(b) == "Robert");
  pc.clear();
  CHECK(*hub.change_nick(c, "caroline") == "caroline");
  REQUIRE(pc.events.size() == 1);  // in the lobby: only she hears of it
  CHECK(pc.last<NickChanged>().room.empty());
  CHECK(pa.count<NickChanged>() == 2);
}

TEST_CASE_FIXTURE(HubFixture, "disconnect tells the room and shutdown tells everyone") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  join("carol", pc);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  pa.clear();
  hub.disconnect(b, "connection lost");
  const auto left = pa.last<MemberLeft>();
  CHECK(left.nickname == "bob");
  CHECK(left.members == 1);
  CHECK(left.reason == "connection lost");
  CHECK(hub.session_count() == 2);
  hub.disconnect(a, "quit");
  CHECK(hub.list_rooms().empty());

  pc.clear();
  const auto d = join("dave", pd);
  hub.shutdown("maintenance");
  REQUIRE(pc.events.size() == 1);
  CHECK(pc.events[0] == pd.events.back());
  CHECK(std::get<ShutdownNotice>(pc.events[0]->body).reason == "maintenance");
  CHECK(d > 0);
}
