// The hub taking in changes another cluster node committed: what its own sessions see and
// what it refuses or allows afterwards, as if the change had been made here.
#include "model/hub.h"
#include "store/store.h"

#include "fake_participant.h"

#include <doctest/doctest.h>

#include <algorithm>

using namespace chatcore;
using chatcore::model::testing::HubFixture;

namespace {

constexpr model::IdentityId kBob = 100;

struct Remote : HubFixture {
  Remote() {
    hub.remote_identity({.id = kBob, .secret_hash = "hash-b", .nickname = "bob",
                         .created_ms = 1, .last_seen_ms = 1});
    alice = sign_in("alice", "hash-a", pa);
    auto room = hub.create_room(alice, "lounge");
    REQUIRE(room.ok());
    epoch = room->epoch;
    pa.clear();
  }
  store::StoredMessage from_bob(std::uint64_t id, std::string text) const {
    return {.room = "lounge", .epoch = epoch, .id = id, .from = "bob", .text = std::move(text),
            .sent_ms = 5, .client_msg_id = 9};
  }
  bool in_users(const std::string& room, const std::string& nick) {
    auto users = hub.list_users(room);
    REQUIRE(users.ok());
    return std::any_of(users->begin(), users->end(),
                       [&](const UserInfo& u) { return u.nickname == nick; });
  }
  model::SessionId alice = 0;
  std::uint64_t epoch = 0;
};

}  // namespace

TEST_CASE_FIXTURE(Remote, "an identity registered on another node owns its nickname here") {
  CHECK(hub.connect("Bob", &pb).status().code == Code::already_exists);
  CHECK(hub.connect("bob", "hash-x", &pb).status().code == Code::already_exists);
  // Its own secret signs it in here: the same identity, wherever it connects.
  const auto b = sign_in("bob", "hash-b", pb);
  CHECK(hub.identity(b) == kBob);

  // Renamed there: the old nickname is free here.
  hub.disconnect(b, "bye");
  hub.remote_identity({.id = kBob, .secret_hash = "hash-b", .nickname = "robert",
                       .created_ms = 1, .last_seen_ms = 2});
  CHECK(hub.connect("bob", &pc).ok());
  CHECK(hub.connect("robert", &pd).status().code == Code::already_exists);
}

TEST_CASE_FIXTURE(Remote, "a member joining, talking and leaving on another node is seen here") {
  hub.remote_member({.identity = kBob, .room = "Lounge", .joined_ms = 3}, true);
  REQUIRE(pa.count<MemberJoined>() == 1);
  CHECK(pa.last<MemberJoined>().nickname == "bob");
  CHECK(pa.last<MemberJoined>().members == 2);
  CHECK(in_users("lounge", "bob"));
  hub.remote_member({.identity = kBob, .room = "lounge", .joined_ms = 3}, true);
  CHECK(pa.count<MemberJoined>() == 1);  // applied once

  hub.remote_message(from_bob(1, "hi from b"));
  REQUIRE(pa.count<RoomMessage>() == 1);
  const auto m = pa.last<RoomMessage>();
  CHECK(m.message_id == 1);
  CHECK(m.sender == "bob");
  CHECK(m.text == "hi from b");
  CHECK(m.room_epoch == epoch);
  // A message alice sends here comes after it in the room's numbering.
  CHECK(hub.send_room(alice, "lounge", "and hi from a", 1).value() == 2);
  // Older than what the room holds, or of another life of the room: nothing.
  hub.remote_message(from_bob(2, "stale"));
  auto other_life = from_bob(3, "old life");
  other_life.epoch = epoch + 7;
  hub.remote_message(other_life);
  CHECK(pa.count<RoomMessage>() == 2);
  auto page = hub.history(alice, "lounge", 0, 10);
  REQUIRE(page.ok());
  REQUIRE(page->messages.size() == 2);
  CHECK(page->messages[0].text == "hi from b");

  hub.remote_member({.identity = kBob, .room = "lounge", .joined_ms = 3}, false);
  REQUIRE(pa.count<MemberLeft>() == 1);
  CHECK(pa.last<MemberLeft>().nickname == "bob");
  CHECK(pa.last<MemberLeft>().members == 1);
  CHECK_FALSE(in_users("lounge", "bob"));
}

TEST_CASE_FIXTURE(Remote, "rooms created, retitled and deleted on another node") {
  hub.remote_room_created({.name = "Far", .epoch = 42, .last_id = 7});
  const auto rooms = hub.list_rooms();
  REQUIRE(std::any_of(rooms.begin(), rooms.end(), [](const RoomInfo& r) { return r.name == "Far"; }));
  hub.remote_member({.identity = kBob, .room = "far", .joined_ms = 3}, true);
  auto joined = hub.join_room(alice, "far");
  REQUIRE(joined.ok());
  CHECK(joined->epoch == 42);
  CHECK(joined->last_id == 7);
  CHECK(joined->members == 2);

  hub.remote_topic({.name = "Far", .epoch = 42, .last_id = 7, .topic = "over there",
                    .topic_by = "bob", .topic_ms = 9});
  REQUIRE(pa.notices<TopicChanged>().size() == 1);
  CHECK(pa.notices<TopicChanged>().back().topic == "over there");
  CHECK(pa.notices<TopicChanged>().back().by == "bob");

  pa.clear();
  hub.remote_room_deleted("FAR");
  REQUIRE(pa.count<MemberLeft>() == 1);
  CHECK(pa.last<MemberLeft>().reason == "the room was deleted");
  CHECK(hub.rooms_of(alice) == std::vector<std::string>{"lounge"});
  CHECK(hub.join_room(alice, "far").status().code == Code::not_found);
}

TEST_CASE_FIXTURE(Remote, "a DM from another node reaches its recipient here, and only them") {
  hub.remote_direct({.id = 5, .from_identity = kBob, .from = "bob", .to_identity = hub.identity(alice),
                     .to = "alice", .text = "psst", .sent_ms = 4, .client_msg_id = 1});
  REQUIRE(pa.count<DirectMessage>() == 1);
  CHECK(pa.last<DirectMessage>().message_id == 5);
  CHECK(pa.last<DirectMessage>().text == "psst");
  const auto c = sign_in("carol", "hash-c", pc);
  hub.remote_direct({.id = 6, .from_identity = kBob, .from = "bob", .to_identity = 999,
                     .to = "dave", .text = "not for you", .sent_ms = 4, .client_msg_id = 2});
  CHECK(pa.count<DirectMessage>() == 1);
  CHECK(pc.count<DirectMessage>() == 0);
  CHECK(hub.identity(c) != 0);
}

TEST_CASE_FIXTURE(Remote, "a file sent on another node is announced and allowed to its recipients") {
  hub.remote_file({.id = "f1", .name = "notes.txt", .size = 10, .sha256 = "ab", .sender = "bob",
                   .sender_identity = kBob, .room = "lounge", .sent_ms = 6,
                   .allowed = {kBob, hub.identity(alice)}});
  REQUIRE(pa.count<FileNotice>() == 1);
  CHECK(pa.last<FileNotice>().file.name == "notes.txt");
  CHECK(hub.authorize_download(alice, "f1").ok());
  const auto c = sign_in("carol", "hash-c", pc);
  CHECK(hub.authorize_download(c, "f1").status().code == Code::permission_denied);
  hub.remote_file_removed("f1");
  CHECK(hub.authorize_download(alice, "f1").status().code == Code::not_found);
}

TEST_CASE_FIXTURE(Remote, "a mute and a ban set on another node are enforced here") {
  const store::StoredSanction mute{.kind = store::SanctionKind::mute,
                                   .identity = hub.identity(alice), .room = "", .until_ms = 0,
                                   .reason = "calm down", .by = "op"};
  hub.remote_sanction(mute, false);
  const auto refused = hub.send_room(alice, "lounge", "hello?", 1);
  CHECK(refused.status().code == Code::permission_denied);
  CHECK(refused.status().message.find("calm down") != std::string::npos);
  hub.remote_sanction(mute, true);
  CHECK(hub.send_room(alice, "lounge", "hello", 2).ok());

  hub.remote_sanction({.kind = store::SanctionKind::ban, .identity = hub.identity(alice),
                       .room = "", .until_ms = 0, .reason = "spam", .by = "op"},
                      false);
  CHECK(pa.replaced_calls == 1);
  CHECK(hub.nickname(alice).empty());
  const auto again = hub.connect("alice", "hash-a", &pb);
  CHECK(again.status().code == Code::permission_denied);
}
