// Memberships in the hub: many rooms at once, offline identities still counted, the last
// member's leave deleting the room, user and room lists with online counts, history pages.
#include "model/hub.h"

#include "fake_participant.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

using namespace chatcore;
using chatcore::model::testing::FakeParticipant;
using chatcore::model::testing::HubFixture;

TEST_CASE_FIXTURE(HubFixture, "an identity stays a member while offline; a guest does not") {
  const auto a = sign_in("alice", "hash-a", pa);
  const auto g = join("guest", pb);
  hub.create_room(a, "r");
  hub.create_room(a, "s");
  hub.join_room(g, "r");
  REQUIRE(hub.send_room(a, "r", "one", 0).ok());
  pb.clear();

  hub.disconnect(a, "connection lost");
  const auto offline = pb.last<MemberLeft>();
  CHECK(offline.reason == "offline");
  CHECK(offline.members == 2);  // she still counts
  auto rooms = hub.list_rooms();
  REQUIRE(rooms.size() == 2);    // s has only her, offline, and stays
  CHECK(rooms[0].members == 2);
  CHECK(rooms[0].online == 1);
  CHECK(rooms[1].name == "s");
  CHECK(rooms[1].online == 0);

  auto users = hub.list_users("r");
  REQUIRE(users.ok());
  REQUIRE(users->size() == 2);
  CHECK((*users)[0].nickname == "alice");
  CHECK_FALSE((*users)[0].online);
  CHECK_FALSE((*users)[0].guest);
  CHECK((*users)[0].rooms == std::vector<std::string>{"r", "s"});
  CHECK((*users)[1].guest);
  CHECK(hub.list_users("")->size() == 1);  // only who is online

  // The guest's disconnect ends its membership; the room keeps its offline member.
  hub.disconnect(g, "bye");
  CHECK(hub.list_rooms()[0].members == 1);

  // Back online: the rooms, their history, then live.
  const auto a2 = sign_in("alice", "hash-a", pc);
  const auto welcome = std::get<Welcome>(pc.events[0]->body);
  REQUIRE(welcome.rooms.size() == 2);
  CHECK(welcome.rooms[0].name == "r");
  CHECK(welcome.rooms[0].last_id == 1);
  CHECK(pc.last<HistoryReplay>().room == "r");
  CHECK(pc.last<RoomMessage>().text == "one");
  CHECK(pc.last<RoomMessage>().replay);
  CHECK(hub.rooms_of(a2) == std::vector<std::string>{"r", "s"});

  // Her leaving each room for good deletes it: she was its last member.
  CHECK(hub.leave_room(a2, "s").ok());
  CHECK(hub.leave_room(a2, "r")->members == 0);
  CHECK(hub.room_count() == 0);
}

TEST_CASE_FIXTURE(HubFixture, "history pages go back from before_id, oldest first") {
  model::HubConfig config = small_config();
  config.limits.history = 10;
  model::ChatHub big(config);
  const auto a = *big.connect("alice", &pa);
  const auto b = *big.connect("bob", &pb);
  big.create_room(a, "r");
  for (int i = 1; i <= 7; ++i) REQUIRE(big.send_room(a, "r", fmt::format("m{}", i), 0).ok());

  auto page = big.history(a, "R", 0, 3);
  REQUIRE(page.ok());
  REQUIRE(page->messages.size() == 3);
  CHECK(page->messages[0].message_id == 5);
  CHECK(page->messages[2].message_id == 7);
  CHECK(page->messages[0].replay);
  CHECK(page->more);
  page = big.history(a, "r", page->messages[0].message_id, 3);
  REQUIRE(page->messages.size() == 3);
  CHECK(page->messages[0].text == "m2");
  CHECK(page->more);
  page = big.history(a, "r", 2, 3);
  REQUIRE(page->messages.size() == 1);
  CHECK(page->messages[0].text == "m1");
  CHECK_FALSE(page->more);

  CHECK(big.history(b, "r", 0, 3).status().code == Code::failed_precondition);
  CHECK(big.history(a, "none", 0, 3).status().code == Code::not_found);
}

TEST_CASE_FIXTURE(HubFixture, "resume sends what came after the position, or says what is gone") {
  const auto a = sign_in("alice", "hash-a", pa);
  const auto b = join("bob", pb);
  hub.create_room(a, "r");
  hub.create_room(a, "quiet");
  hub.join_room(b, "r");
  const auto epoch = hub.list_rooms()[1].epoch;  // r
  for (int i = 1; i <= 2; ++i) REQUIRE(hub.send_room(b, "r", fmt::format("m{}", i), 0).ok());
  hub.disconnect(a, "away");
  for (int i = 3; i <= 4; ++i) REQUIRE(hub.send_room(b, "r", fmt::format("m{}", i), 0).ok());

  // Seen up to 2: 3 and 4 follow, marked missed; "quiet", not named, gets its (empty) history.
  FakeParticipant back;
  sign_in("alice", "hash-a", back, ResumePosition{.rooms = {{"R", epoch, 2}}, .last_direct_id = 0});
  auto missed = back.all<RoomMessage>();
  REQUIRE(missed.size() == 2);
  CHECK(missed[0].message_id == 3);
  CHECK(missed[1].text == "m4");
  CHECK(missed[0].missed);
  CHECK_FALSE(missed[0].replay);
  CHECK(back.count<HistoryGap>() == 0);
  CHECK(back.count<HistoryReplay>() == 0);
  CHECK(back.last<CaughtUp>().room_messages == 2);

  // Seen up to 0 with history kept from 2 on (3 kept): a gap first, then what is kept.
  REQUIRE(hub.send_room(b, "r", "m5", 0).ok());
  FakeParticipant old;
  sign_in("alice", "hash-a", old, ResumePosition{.rooms = {{"r", epoch, 0}}, .last_direct_id = 0});
  const auto gap = old.last<HistoryGap>();
  CHECK(gap.room == "r");
  CHECK(gap.first_id == 3);
  CHECK(old.all<RoomMessage>().size() == 3);

  // Another epoch: the position means nothing here; a gap, then everything kept.
  FakeParticipant other;
  sign_in("alice", "hash-a", other,
          ResumePosition{.rooms = {{"r", epoch + 100, 5}}, .last_direct_id = 0});
  CHECK(other.last<HistoryGap>().epoch == epoch);
  CHECK(other.all<RoomMessage>().size() == 3);

  // Up to date: nothing.
  FakeParticipant current;
  sign_in("alice", "hash-a", current,
          ResumePosition{.rooms = {{"r", epoch, 5}}, .last_direct_id = 0});
  CHECK(current.count<RoomMessage>() == 0);
  CHECK(current.count<HistoryGap>() == 0);
}
