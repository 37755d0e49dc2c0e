// PresencePeers alone: when a peer's delta is applied, ignored or answered with a snapshot
// request, and when a silent peer is dead.
#include <doctest/doctest.h>

#include "cluster/presence_codec.h"
#include "cluster/presence_peers.h"

using chatcore::cluster::kDeadAfter;
using chatcore::cluster::kResyncAfter;
using chatcore::cluster::PresencePeers;
using Action = PresencePeers::Action;

namespace {
const auto t0 = PresencePeers::Clock::time_point{} + std::chrono::hours(1);
}

TEST_CASE("presence peers: an unknown peer is synced by a snapshot, then its deltas apply in order") {
  PresencePeers peers;
  CHECK(peers.on_delta("b", 7, 5, t0) == Action::resync);
  // Asked already: no second question until the first had time to be answered.
  CHECK(peers.on_delta("b", 7, 6, t0) == Action::ignore);
  CHECK(peers.on_snapshot("b", 7, 6, t0));
  CHECK(peers.on_delta("b", 7, 6, t0) == Action::ignore);  // in the snapshot already
  CHECK(peers.on_delta("b", 7, 7, t0) == Action::apply);
  CHECK(peers.on_heartbeat("b", 7, 7, t0) == Action::apply);
}

TEST_CASE("presence peers: a gap, a heartbeat ahead or a new incarnation asks for a snapshot") {
  PresencePeers peers;
  REQUIRE(peers.on_snapshot("b", 7, 3, t0));
  CHECK(peers.on_delta("b", 7, 5, t0) == Action::resync);  // 4 was missed
  CHECK(peers.on_snapshot("b", 7, 5, t0));
  CHECK(peers.on_heartbeat("b", 7, 6, t0) == Action::resync);  // a delta was missed
  // Not answered in time: asked again.
  CHECK(peers.on_heartbeat("b", 7, 6, t0 + kResyncAfter) == Action::resync);
  CHECK(peers.on_snapshot("b", 7, 6, t0 + kResyncAfter));
  CHECK(peers.on_delta("b", 8, 1, t0 + kResyncAfter) == Action::resync);  // restarted
  CHECK(peers.on_delta("b", 7, 7, t0 + kResyncAfter) == Action::ignore);  // the old process
  CHECK_FALSE(peers.on_snapshot("b", 7, 7, t0 + kResyncAfter));
}

TEST_CASE("presence peers: a peer silent for longer than kDeadAfter is dead, once") {
  PresencePeers peers;
  REQUIRE(peers.on_snapshot("b", 7, 0, t0));
  REQUIRE(peers.on_snapshot("c", 9, 0, t0));
  CHECK(peers.on_heartbeat("c", 9, 0, t0 + kDeadAfter) == Action::apply);
  CHECK(peers.expire(t0 + kDeadAfter).empty());
  CHECK(peers.expire(t0 + kDeadAfter + std::chrono::milliseconds(1)) ==
        std::vector<std::string>{"b"});
  CHECK(peers.expire(t0 + kDeadAfter + std::chrono::milliseconds(1)).empty());
  // Heard again after being declared dead: a stranger to sync.
  CHECK(peers.on_heartbeat("b", 7, 0, t0 + 2 * kDeadAfter) == Action::resync);
}

TEST_CASE("presence peers: while this node hears nobody, nobody dies; after, each has kDeadAfter") {
  PresencePeers peers;
  REQUIRE(peers.on_snapshot("b", 7, 0, t0));
  const auto cut_off_until = t0 + 10 * kDeadAfter;
  for (auto now = t0; now <= cut_off_until; now += std::chrono::milliseconds(100)) {
    peers.hold(now);
    CHECK(peers.expire(now).empty());
  }
  CHECK(peers.expire(cut_off_until + kDeadAfter).empty());
  // Still silent once this node hears again: dead after kDeadAfter of that.
  CHECK(peers.expire(cut_off_until + kDeadAfter + std::chrono::milliseconds(1)) ==
        std::vector<std::string>{"b"});
}

TEST_CASE("presence codec: a session delta and a snapshot round-trip; garbage is refused") {
  using chatcore::cluster::PresenceUpdate;
  PresenceUpdate delta{.node = "b", .incarnation = 7, .seq = 3, .kind = PresenceUpdate::Kind::session};
  delta.session = {.session = 12, .nickname = "gus", .identity = 0, .away = "out",
                   .rooms = {"den", "hall"}};
  const auto back = chatcore::cluster::decode_presence(chatcore::cluster::encode(delta));
  REQUIRE(back.ok());
  CHECK(back->kind == PresenceUpdate::Kind::session);
  CHECK(back->seq == 3);
  CHECK(back->session.nickname == "gus");
  CHECK(back->session.away == std::optional<std::string>("out"));
  CHECK(back->session.rooms == std::vector<std::string>{"den", "hall"});
  PresenceUpdate empty{.node = "b", .incarnation = 7, .seq = 3, .kind = PresenceUpdate::Kind::snapshot};
  const auto snap = chatcore::cluster::decode_presence(chatcore::cluster::encode(empty));
  REQUIRE(snap.ok());
  CHECK(snap->kind == PresenceUpdate::Kind::snapshot);
  CHECK(snap->snapshot.empty());
  CHECK_FALSE(chatcore::cluster::decode_presence("\xff\xff garbage").ok());
}

TEST_CASE("presence peers: all synced once every peer heard has given its snapshot") {
  PresencePeers peers;
  CHECK(peers.all_synced());  // nobody heard: nothing missing
  CHECK(peers.on_heartbeat("b", 7, 2, t0) == Action::resync);
  CHECK_FALSE(peers.all_synced());
  REQUIRE(peers.on_snapshot("b", 7, 2, t0));
  CHECK(peers.all_synced());
  CHECK(peers.on_heartbeat("c", 3, 0, t0) == Action::resync);
  CHECK_FALSE(peers.all_synced());
  // c never answers and goes silent: dead, forgotten, and nothing is missing any more.
  CHECK(peers.on_heartbeat("b", 7, 2, t0 + kDeadAfter) == Action::apply);
  CHECK(peers.expire(t0 + kDeadAfter + std::chrono::milliseconds(1)) ==
        std::vector<std::string>{"c"});
  CHECK(peers.all_synced());
  // A gap makes b miss something again.
  CHECK(peers.on_delta("b", 7, 4, t0 + kDeadAfter) == Action::resync);
  CHECK_FALSE(peers.all_synced());
}
