// Identities in the hub: trust on first use, refusals while the owner is away, takeover of
// one's own session, renaming at connect and with ChangeNick, DMs kept for an offline owner.
#include "model/hub.h"

#include "fake_participant.h"

#include <doctest/doctest.h>

using namespace chatcore;
using chatcore::model::testing::FakeParticipant;
using chatcore::model::testing::HubFixture;

TEST_CASE_FIXTURE(HubFixture, "the first identity to use a nickname owns it, even while away") {
  const auto a = sign_in("alice", "hash-a", pa);
  const auto welcome = std::get<Welcome>(pa.events[0]->body);
  CHECK_FALSE(welcome.guest);
  CHECK(welcome.rooms.empty());
  const auto alice = hub.identity(a);
  CHECK(alice != 0);
  CHECK(pa.last<CaughtUp>().direct_messages == 0);

  // Someone else's secret, and a guest, are refused while she is online and after.
  for (int online = 1; online >= 0; --online) {
    CAPTURE(online);
    const auto other = hub.connect("Alice", "hash-b", &pb);
    CHECK(other.status().code == Code::already_exists);
    CHECK(other.status().message.find("belongs to another identity") != std::string::npos);
    const auto guest = hub.connect("ALICE", &pb);
    CHECK(guest.status().code == Code::already_exists);
    CHECK(guest.status().message.find("belongs to a registered identity") != std::string::npos);
    if (online == 1) hub.disconnect(a, "bye");
  }
  CHECK(pb.events.empty());
  // Her own secret gets her back, as the same identity.
  const auto again = sign_in("alice", "hash-a", pc);
  CHECK(hub.identity(again) == alice);

  // A guest's nickname is its only while it is online; an identity may take it afterwards.
  const auto g = join("bob", pd);
  CHECK(hub.connect("bob", "hash-b", &pb).status().code == Code::already_exists);
  hub.disconnect(g, "bye");
  FakeParticipant pe;
  sign_in("bob", "hash-b", pe);
}

TEST_CASE_FIXTURE(HubFixture, "a second sign-in takes the session over without a leave") {
  const auto a = sign_in("alice", "hash-a", pa);
  const auto b = join("bob", pb);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  pb.clear();

  FakeParticipant again;
  const auto a2 = sign_in("alice", "hash-a", again);
  CHECK(a2 != a);
  const auto notice = pa.last<ShutdownNotice>();
  CHECK(notice.replaced);
  CHECK(notice.reason == "signed in from another client");
  CHECK(pa.replaced_calls == 1);
  CHECK(hub.nickname(a).empty());  // the old session is gone from the hub
  hub.disconnect(a, "late");       // and its late disconnect changes nothing
  CHECK(pb.events.empty());        // bob saw her neither leave nor join

  const auto welcome = std::get<Welcome>(again.events[0]->body);
  REQUIRE(welcome.rooms.size() == 1);
  CHECK(welcome.rooms[0].name == "r");
  CHECK(welcome.rooms[0].members == 2);
  CHECK(welcome.rooms[0].online == 2);
  REQUIRE(hub.send_room(b, "r", "still there?", 0).ok());
  CHECK(again.last<RoomMessage>().text == "still there?");
  CHECK(pa.count<RoomMessage>() == 0);
  CHECK(hub.session_count() == 2);
}

TEST_CASE_FIXTURE(HubFixture, "an identity moves its nickname at connect and with change_nick") {
  const auto a = sign_in("alice", "hash-a", pa);
  hub.create_room(a, "r");
  const auto b = sign_in("bob", "hash-b", pb);
  hub.join_room(b, "r");
  hub.disconnect(a, "bye");
  pb.clear();

  // Back under a free new name: the old one is free, the room hears of the change.
  const auto a2 = sign_in("alicia", "hash-a", pc);
  CHECK(hub.nickname(a2) == "alicia");
  const auto renamed = pb.last<NickChanged>();
  CHECK(renamed.old_nickname == "alice");
  CHECK(renamed.new_nickname == "alicia");
  CHECK(renamed.room == "r");
  // Not under a name another identity owns.
  hub.disconnect(a2, "bye");
  CHECK(hub.connect("bob", "hash-a", &pd).status().code == Code::already_exists);
  const auto a3 = sign_in("alicia", "hash-a", pd);

  CHECK(hub.change_nick(a3, "BOB").status().code == Code::already_exists);
  REQUIRE(hub.change_nick(b, "robert").ok());
  FakeParticipant pe, pf;
  // bob is free for anyone now; robert belongs to hash-b.
  CHECK(hub.connect("robert", &pe).status().code == Code::already_exists);
  const auto g = hub.connect("bob", &pe);
  CHECK(g.ok());
  hub.disconnect(b, "bye");
  CHECK(hub.connect("robert", "hash-x", &pf).status().code == Code::already_exists);
}

TEST_CASE_FIXTURE(HubFixture, "a DM to an offline owner waits for its next connect") {
  const auto a = sign_in("alice", "hash-a", pa);
  const auto b = sign_in("bob", "hash-b", pb);
  hub.disconnect(b, "bye");
  pa.clear();

  const auto id = hub.send_direct(a, "BOB", "while you were out", 9);
  REQUIRE(id.ok());
  const auto echo = pa.last<DirectMessage>();
  CHECK(echo.recipient == "bob");
  CHECK_FALSE(echo.missed);
  CHECK(hub.send_direct(a, "nobody", "x", 0).status().code == Code::not_found);

  sign_in("bob", "hash-b", pc);
  // Welcome, the kept DM (missed), then CaughtUp, in that order.
  REQUIRE(pc.events.size() == 3);
  const auto dm = std::get<DirectMessage>(pc.events[1]->body);
  CHECK(dm.message_id == *id);
  CHECK(dm.text == "while you were out");
  CHECK(dm.sender == "alice");
  CHECK(dm.missed);
  CHECK(std::get<CaughtUp>(pc.events[2]->body).direct_messages == 1);

  // Delivered once: the next sign-in finds nothing waiting.
  FakeParticipant again;
  sign_in("bob", "hash-b", again);
  CHECK(again.count<DirectMessage>() == 0);
}
