// The hub with other cluster nodes' sessions: what its listener is told of its own sessions,
// and what its sessions see and may do when another node's identity or guest comes and goes.
#include "model/hub.h"
#include "store/store.h"

#include "fake_participant.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>

using namespace chatcore;
using chatcore::model::PresenceRecord;
using chatcore::model::testing::HubFixture;

namespace {

constexpr model::IdentityId kBob = 100;

struct Cluster : HubFixture {
  Cluster() {
    hub.remote_identity({.id = kBob, .secret_hash = "hash-b", .nickname = "bob",
                         .created_ms = 1, .last_seen_ms = 1});
    alice = sign_in("alice", "hash-a", pa);
    REQUIRE(hub.create_room(alice, "Lounge").ok());
    pa.clear();
  }
  const UserInfo* user(const std::string& room, const std::string& nick) {
    users = *hub.list_users(room);
    auto it = std::find_if(users.begin(), users.end(),
                           [&](const UserInfo& u) { return u.nickname == nick; });
    return it == users.end() ? nullptr : &*it;
  }
  std::uint32_t online(const std::string& room) {
    for (const auto& r : hub.list_rooms()) {
      if (r.name == room) return r.online;
    }
    return 0;
  }
  model::SessionId alice = 0;
  std::vector<UserInfo> users;
};

}  // namespace

TEST_CASE_FIXTURE(Cluster, "the presence listener hears each local session start, change and end") {
  std::vector<std::pair<model::SessionId, std::optional<PresenceRecord>>> heard;
  std::string why;
  hub.set_presence_listener([&](model::SessionId id, const PresenceRecord* r, std::string_view reason) {
    heard.emplace_back(id, r ? std::optional(*r) : std::nullopt);
    why = std::string(reason);
  });
  const auto gus = join("gus", pb);
  REQUIRE(heard.size() == 1);
  CHECK(heard.back().second->nickname == "gus");
  CHECK(heard.back().second->identity == 0);
  REQUIRE(hub.join_room(gus, "lounge").ok());
  CHECK(heard.back().second->rooms == std::vector<std::string>{"Lounge"});
  REQUIRE(hub.set_away(gus, "tea").ok());
  CHECK(heard.back().second->away == std::optional<std::string>("tea"));
  hub.disconnect(gus, "quit");
  CHECK(heard.back().first == gus);
  CHECK_FALSE(heard.back().second.has_value());
  CHECK(why == "quit");
  CHECK(hub.local_presence().size() == 1);  // alice
}

TEST_CASE_FIXTURE(Cluster, "another node's guest is a member, online, listed, and its nickname taken") {
  hub.remote_presence("b", {.session = 7, .nickname = "gus", .identity = 0, .away = {},
                            .rooms = {"lounge"}});
  REQUIRE(pa.count<MemberJoined>() == 1);
  CHECK(pa.last<MemberJoined>().nickname == "gus");
  CHECK(pa.last<MemberJoined>().members == 2);
  REQUIRE(user("lounge", "gus") != nullptr);
  CHECK(user("lounge", "gus")->guest);
  CHECK(user("", "gus") != nullptr);
  CHECK(online("Lounge") == 2);
  CHECK(hub.whois(alice, "gus")->rooms == std::vector<std::string>{"Lounge"});
  CHECK(hub.connect("Gus", &pb).status().code == Code::already_exists);
  // The room is not deleted while the remote guest is in it.
  REQUIRE(hub.leave_room(alice, "lounge").ok());
  CHECK(hub.room_count() == 1);
  REQUIRE(hub.join_room(alice, "lounge").ok());
  pa.clear();

  // Its node dies: it leaves with the reason, and its nickname is free.
  hub.remote_node_presence("b", {}, "its server went offline");
  REQUIRE(pa.count<MemberLeft>() == 1);
  CHECK(pa.last<MemberLeft>().nickname == "gus");
  CHECK(pa.last<MemberLeft>().reason == "its server went offline");
  CHECK(pa.last<MemberLeft>().members == 1);
  CHECK(user("lounge", "gus") == nullptr);
  CHECK(hub.connect("gus", &pb).ok());
}

TEST_CASE_FIXTURE(Cluster, "another node's identity comes online, goes away and offline") {
  hub.remote_member({.identity = kBob, .room = "lounge", .joined_ms = 3}, true);
  CHECK(user("lounge", "bob")->presence == Presence::offline);
  CHECK(online("Lounge") == 1);
  pa.clear();
  hub.remote_presence("b", {.session = 3, .nickname = "bob", .identity = kBob, .away = {},
                            .rooms = {}});
  REQUIRE(pa.count<MemberJoined>() == 1);
  CHECK(pa.last<MemberJoined>().nickname == "bob");
  CHECK(online("Lounge") == 2);
  CHECK(hub.whois(alice, "bob")->presence == Presence::online);
  CHECK(user("", "bob") != nullptr);
  // A DM to it goes to its identity (through the store, to its node).
  CHECK(hub.send_direct(alice, "bob", "hi", 1).ok());

  hub.remote_presence("b", {.session = 3, .nickname = "bob", .identity = kBob, .away = "out",
                            .rooms = {}});
  REQUIRE(pa.notices<PresenceChanged>().size() == 1);
  CHECK(pa.notices<PresenceChanged>().back().presence == Presence::away);
  CHECK(hub.whois(alice, "bob")->away_message == "out");

  hub.remote_presence_ended("b", 3, "quit");
  CHECK(pa.last<MemberLeft>().nickname == "bob");
  CHECK(pa.last<MemberLeft>().reason == "offline");
  CHECK(pa.last<MemberLeft>().members == 2);
  CHECK(hub.whois(alice, "bob")->presence == Presence::offline);
  CHECK(online("Lounge") == 1);
}

TEST_CASE_FIXTURE(Cluster, "presence that comes before the log's room or identity is kept for it") {
  hub.remote_presence("b", {.session = 7, .nickname = "gus", .identity = 0, .away = {},
                            .rooms = {"Attic"}});
  hub.remote_presence("b", {.session = 8, .nickname = "carol", .identity = 200, .away = {},
                            .rooms = {}});
  hub.remote_room_created({.name = "Attic", .epoch = 9, .last_id = 0});
  REQUIRE(user("attic", "gus") != nullptr);
  hub.remote_identity({.id = 200, .secret_hash = "hash-c", .nickname = "carol",
                       .created_ms = 1, .last_seen_ms = 1});
  CHECK(hub.whois(alice, "carol")->presence == Presence::online);
}

TEST_CASE_FIXTURE(Cluster, "an identity on two nodes at once comes and goes once") {
  hub.remote_member({.identity = kBob, .room = "lounge", .joined_ms = 3}, true);
  hub.remote_presence("b", {.session = 3, .nickname = "bob", .identity = kBob, .away = {},
                            .rooms = {}});
  pa.clear();
  // It moves here while its session there has not ended yet, then that one ends.
  const auto here = sign_in("bob", "hash-b", pb);
  hub.remote_presence_ended("b", 3, "quit");
  CHECK(pa.count<MemberJoined>() == 0);
  CHECK(pa.count<MemberLeft>() == 0);
  CHECK(hub.whois(alice, "bob")->presence == Presence::online);
  // And back there while this one still lives: this one's end is not an offline either.
  hub.remote_presence("b", {.session = 4, .nickname = "bob", .identity = kBob, .away = {},
                            .rooms = {}});
  hub.disconnect(here, "moved");
  CHECK(pa.count<MemberLeft>() == 0);
  CHECK(hub.whois(alice, "bob")->presence == Presence::online);
}

TEST_CASE_FIXTURE(Cluster, "a room deleted through the log is no longer another node's guest's") {
  hub.remote_presence("b", {.session = 7, .nickname = "gus", .identity = 0, .away = {},
                            .rooms = {"lounge"}});
  hub.remote_room_deleted("lounge");
  REQUIRE(user("", "gus") != nullptr);
  CHECK(user("", "gus")->rooms.empty());
  CHECK(hub.whois(alice, "gus")->rooms.empty());
}

TEST_CASE_FIXTURE(Cluster, "a room whose last members were a dead node's guests goes with them") {
  const auto has = [this](const std::string& room) {
    const auto rooms = hub.list_rooms();
    return std::any_of(rooms.begin(), rooms.end(), [&](const RoomInfo& r) { return r.name == room; });
  };
  hub.remote_room_created({.name = "Den", .epoch = 9});
  hub.remote_room_created({.name = "Nook", .epoch = 10});
  hub.remote_presence("b", {.session = 7, .nickname = "gus", .identity = 0, .away = {},
                            .rooms = {"den", "lounge"}});
  hub.remote_presence("b", {.session = 8, .nickname = "guy", .identity = 0, .away = {},
                            .rooms = {"nook"}});
  // A guest that quits: its own node deletes the room it emptied, and the log says so.
  hub.remote_presence_ended("b", 8, "quit");
  CHECK(has("Nook"));
  hub.remote_room_deleted("nook", 11);  // another life of it: not this one
  CHECK(has("Nook"));
  hub.remote_room_deleted("nook", 10);
  CHECK_FALSE(has("Nook"));
  // Its node dies: nobody is left there to delete Den; Lounge keeps alice.
  hub.remote_node_presence("b", {}, "its server went offline", true);
  CHECK_FALSE(has("Den"));
  CHECK(has("Lounge"));
  CHECK(pa.last<MemberLeft>().nickname == "gus");
}
