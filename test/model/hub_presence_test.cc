// Topics, away and Whois in the hub without a store (the path the fuzzer and an embedding
// without a data dir take): who is told, once, and what the lists say.
#include "model/hub.h"

#include "fake_participant.h"

#include <doctest/doctest.h>

using namespace chatcore;
using chatcore::model::testing::HubFixture;

TEST_CASE_FIXTURE(HubFixture, "a topic set without a store reaches the room's members only") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto c = join("carol", pc);
  REQUIRE(hub.create_room(a, "r").ok());
  REQUIRE(hub.join_room(b, "r").ok());
  const auto set = hub.set_topic(b, "R", "hello");
  REQUIRE(set.ok());
  CHECK(set->topic == "hello");
  CHECK(set->topic_by == "bob");
  for (auto* p : {&pa, &pb}) {
    REQUIRE(p->notices<TopicChanged>().size() == 1);
    CHECK(p->notices<TopicChanged>()[0].by == "bob");
  }
  CHECK(pc.notices<TopicChanged>().empty());
  CHECK(hub.list_rooms()[0].topic == "hello");
  CHECK(hub.set_topic(c, "r", "mine").status().code == Code::failed_precondition);
  CHECK(hub.set_topic(a, "r", "tab\there").status().code == Code::invalid_argument);
  CHECK(hub.list_rooms()[0].topic == "hello");
  // The room goes with its topic: created again, it has none.
  hub.leave_room(a, "r");
  hub.leave_room(b, "r");
  REQUIRE(hub.create_room(a, "r").ok());
  CHECK(hub.list_rooms()[0].topic.empty());
}

TEST_CASE_FIXTURE(HubFixture, "away: each sender is told once per away period, the room sees it") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto d = join("dave", pd);
  REQUIRE(hub.create_room(a, "r").ok());
  REQUIRE(hub.join_room(b, "r").ok());
  REQUIRE(hub.set_away(a, "out").ok());
  REQUIRE(pb.notices<PresenceChanged>().size() == 1);
  CHECK(pb.notices<PresenceChanged>()[0].presence == Presence::away);
  CHECK(pd.notices<PresenceChanged>().empty());
  // Saying the same again is no change and tells nobody.
  REQUIRE(hub.set_away(a, "out").ok());
  CHECK(pb.notices<PresenceChanged>().size() == 1);

  REQUIRE(hub.send_direct(d, "alice", "one", 0).ok());
  REQUIRE(hub.send_direct(d, "alice", "two", 0).ok());
  CHECK(pd.notices<AwayNotice>().size() == 1);
  CHECK(pa.notices<AwayNotice>().empty());
  // A DM to oneself while away tells nobody.
  REQUIRE(hub.send_direct(a, "alice", "note to self", 0).ok());
  CHECK(pa.notices<AwayNotice>().empty());
  const auto users = hub.list_users("r");
  REQUIRE(users.ok());
  CHECK((*users)[0].presence == Presence::away);
  CHECK((*users)[0].away_message == "out");

  REQUIRE(hub.set_away(a, "").ok());
  CHECK(pb.notices<PresenceChanged>().back().presence == Presence::online);
  REQUIRE(hub.set_away(a, "again").ok());
  REQUIRE(hub.send_direct(d, "alice", "three", 0).ok());
  CHECK(pd.notices<AwayNotice>().size() == 2);
  CHECK(pd.notices<AwayNotice>().back().away_message == "again");
}

TEST_CASE_FIXTURE(HubFixture, "whois: an offline identity shows when it was last seen") {
  const auto a = sign_in("alice", "hash-a", pa);
  const auto b = join("bob", pb);
  REQUIRE(hub.create_room(a, "r").ok());
  hub.disconnect(a, "gone");
  const auto who = hub.whois(b, "ALICE");
  REQUIRE(who.ok());
  CHECK(who->nickname == "alice");
  CHECK(who->presence == Presence::offline);
  CHECK(who->last_seen_unix_ms > 0);
  CHECK(who->rooms == std::vector<std::string>{"r"});
  CHECK(hub.whois(b, "nobody").status().code == Code::not_found);
  CHECK(hub.whois(0, "alice").status().code == Code::failed_precondition);
}
