// Changes from another node's log commands reach this node's hub and its sessions.
#include <doctest/doctest.h>

#include "cluster/log_to_hub.h"
#include "fake_participant.h"

namespace chatcore::cluster::test {

namespace {
using namespace chatcore::store;
using model::testing::FakeParticipant;
using model::testing::HubFixture;

constexpr std::uint64_t kBob = 100;

LogChange change(Write write, Result<Outcome> outcome) {
  static std::uint64_t seq = 0;
  return LogChange{"b", ++seq, std::move(write), std::move(outcome)};
}

struct FromLog : HubFixture {
  FromLog() {
    const StoredIdentity bob{.id = kBob, .secret_hash = "hash-b", .nickname = "bob",
                             .created_ms = 1, .last_seen_ms = 1};
    hand_to_hub(change(op::PutIdentity{bob}, Outcome{bob}), hub);
    alice = sign_in("alice", "hash-a", pa);
    auto room = hub.create_room(alice, "lounge");
    REQUIRE(room.ok());
    epoch = room->epoch;
    pa.clear();
  }
  model::SessionId alice = 0;
  std::uint64_t epoch = 0;
};
}  // namespace

TEST_CASE_FIXTURE(FromLog, "a remote identity, join, message and leave are seen here") {
  CHECK(hub.connect("bob", &pb).status().code == Code::already_exists);

  const StoredMember member{.identity = kBob, .room = "lounge", .joined_ms = 3};
  hand_to_hub(change(op::AddMember{member}, Outcome{true}), hub);
  REQUIRE(pa.count<MemberJoined>() == 1);
  CHECK(pa.last<MemberJoined>().nickname == "bob");

  const StoredMessage sent{.room = "lounge", .from = "bob", .text = "hi", .sent_ms = 5};
  StoredMessage stored = sent;
  stored.epoch = epoch;
  stored.id = 1;
  hand_to_hub(change(op::Append{sent}, Outcome{stored}), hub);
  REQUIRE(pa.count<RoomMessage>() == 1);
  CHECK(pa.last<RoomMessage>().text == "hi");
  CHECK(pa.last<RoomMessage>().message_id == 1);

  hand_to_hub(change(op::RemoveMember{kBob, "lounge"}, Outcome{true}), hub);
  REQUIRE(pa.count<MemberLeft>() == 1);
  CHECK(pa.last<MemberLeft>().nickname == "bob");
}

TEST_CASE_FIXTURE(FromLog, "a command every replica refused changes nothing here") {
  const StoredMember member{.identity = kBob, .room = "lounge", .joined_ms = 3};
  hand_to_hub(change(op::AddMember{member}, Status(Code::not_found, "no such room")), hub);
  // Already a member there: nobody joined.
  hand_to_hub(change(op::AddMember{member}, Outcome{false}), hub);
  CHECK(pa.count<MemberJoined>() == 0);
  const StoredIdentity taken{.id = 0, .secret_hash = "hash-c", .nickname = "carol"};
  hand_to_hub(change(op::PutIdentity{taken}, Status(Code::already_exists, "taken")), hub);
  CHECK(hub.connect("carol", &pc).ok());
}

TEST_CASE_FIXTURE(FromLog, "a remote prune frees the identities and rooms it removed") {
  const StoredIdentity bob{.id = kBob, .secret_hash = "hash-b", .nickname = "bob"};
  hand_to_hub(change(op::Prune{{}, 9}, Outcome{Pruned{.identities = {bob}}}), hub);
  CHECK(hub.connect("bob", &pb).ok());
}

TEST_CASE_FIXTURE(FromLog, "a remote topic lock is shown to the room and enforced here") {
  const auto cy = sign_in("cy", "hash-c", pc);
  REQUIRE(hub.join_room(cy, "lounge").ok());
  pa.clear();
  hand_to_hub(change(op::SetTopicLock{"lounge", true, "bob"}, Outcome{true}), hub);
  const auto moderation = [](const FakeParticipant& p) {
    std::vector<Moderated> out;
    for (const auto& e : p.events) {
      if (e->moderation) out.push_back(*e->moderation);
    }
    return out;
  };
  const auto seen = moderation(pa);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].action == ModerationAction::topic_lock);
  CHECK(seen[0].room == "lounge");
  CHECK(seen[0].by == "bob");
  const auto refused = hub.set_topic(cy, "lounge", "cy's");
  CHECK(refused.status().code == Code::permission_denied);
  CHECK(hub.set_topic(alice, "lounge", "the creator's").ok());  // its operator still may

  hand_to_hub(change(op::SetTopicLock{"lounge", false, "bob"}, Outcome{true}), hub);
  CHECK(hub.set_topic(cy, "lounge", "cy's").ok());
}

}  // namespace chatcore::cluster::test
