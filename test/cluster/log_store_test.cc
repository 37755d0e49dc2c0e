// Two nodes (two LogStores, two SQLite files, two NATS connections) on one real nats-server:
// what the cluster promises about races, ids, remote changes, outages and restarts.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <set>

#include "nats_cluster.h"
#include "log_node.h"

namespace chatcore::cluster::test {

namespace {
using chatcore::cluster_test::NatsCluster;
using namespace chatcore::store;
using namespace chatcore::store::test;

struct TwoNodes {
  TempDir dir;
  NatsCluster nats{1};
  FakeLoop loop;
  std::unique_ptr<LogNode> a = node("a");
  std::unique_ptr<LogNode> b = node("b");

  std::unique_ptr<LogNode> node(const std::string& name) {
    return std::make_unique<LogNode>(name, dir.path() / (name + ".db"), nats.url(0), loop);
  }
  std::vector<StoredMessage> history(LogNode& n, const std::string& room) {
    auto h = sync<std::vector<StoredMessage>>(
        loop, [&](auto done) { n.store().history(room, 0, 1000, done); });
    REQUIRE_MESSAGE(h.ok(), h.status().to_string());
    return *h;
  }
};

template <class T>
std::vector<Result<T>> await_all(FakeLoop& loop, std::vector<std::optional<Result<T>>>& slots) {
  std::vector<Result<T>> out;
  for (auto& slot : slots) out.push_back(loop.await(slot));
  return out;
}
}  // namespace

TEST_CASE("two nodes racing for one nickname: exactly one wins, and both replicas agree") {
  TwoNodes c;
  std::optional<Result<StoredIdentity>> at_a, at_b;
  c.a->store().put_identity({.secret_hash = "aa", .nickname = "Zed", .created_ms = 1},
                            [&](auto r) { at_a = std::move(r); });
  c.b->store().put_identity({.secret_hash = "bb", .nickname = "zed", .created_ms = 2},
                            [&](auto r) { at_b = std::move(r); });
  const auto ra = c.loop.await(at_a);
  const auto rb = c.loop.await(at_b);
  CHECK(ra.ok() != rb.ok());
  const auto& lost = ra.ok() ? rb : ra;
  CHECK_MESSAGE(lost.status().code == Code::already_exists, lost.status().to_string());
  const auto& won = ra.ok() ? ra : rb;
  REQUIRE(won.ok());
  CHECK(won->id == 1);

  // Each node sees the other's command, so both replicas hold both commands' outcome.
  CHECK(c.a->wait_changes(1)[0].node == "b");
  CHECK(c.b->wait_changes(1)[0].node == "a");
  auto sa = c.a->store().load(0);
  auto sb = c.b->store().load(0);
  REQUIRE(sa.ok());
  REQUIRE(sb.ok());
  REQUIRE(sa->identities.size() == 1);
  CHECK(sa->identities == sb->identities);
  CHECK(sa->identities[0] == *won);
}

TEST_CASE("appends from both nodes into one room get the same ids on both replicas") {
  TwoNodes c;
  std::optional<Result<StoredRoom>> room;
  c.a->store().create_room("go", 1, [&](auto r) { room = std::move(r); });
  REQUIRE(c.loop.await(room).ok());

  constexpr int kEach = 10;
  std::vector<std::optional<Result<StoredMessage>>> slots(2 * kEach);
  for (int i = 0; i < kEach; ++i) {
    for (int n = 0; n < 2; ++n) {
      auto& node = n == 0 ? *c.a : *c.b;
      node.store().append({.room = "go", .from = n == 0 ? "ann" : "bob",
                           .text = fmt::format("{}{}", n == 0 ? 'a' : 'b', i), .sent_ms = i},
                          [&slots, i, n](auto r) { slots[2 * i + n] = std::move(r); });
    }
  }
  std::set<std::uint64_t> ids;
  for (const auto& r : await_all(c.loop, slots)) {
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    ids.insert(r->id);
  }
  CHECK(ids.size() == 2 * kEach);
  CHECK(*ids.begin() == 1);
  CHECK(*ids.rbegin() == 2 * kEach);

  // b's observer sees a's room and each of a's messages, with the ids a was given.
  const auto& seen = c.b->wait_changes(1 + kEach);
  CHECK(std::holds_alternative<op::CreateRoom>(seen[0].write));
  std::size_t from_a = 0;
  for (const auto& change : seen) {
    CHECK(change.node == "a");
    if (!std::holds_alternative<op::Append>(change.write)) continue;
    REQUIRE(change.outcome.ok());
    const auto& m = std::get<StoredMessage>(*change.outcome);
    CHECK(m.from == "ann");
    const auto& mine = slots[2 * std::stoul(m.text.substr(1))];
    CHECK((**mine).id == m.id);
    ++from_a;
  }
  CHECK(from_a == kEach);
  c.a->wait_changes(kEach);

  const auto ha = c.history(*c.a, "go");
  const auto hb = c.history(*c.b, "go");
  REQUIRE(ha.size() == 2 * kEach);
  CHECK(ha == hb);
}

TEST_CASE("a node's read sees its own earlier writes, without waiting for anything") {
  TwoNodes c;
  std::optional<Result<StoredRoom>> room;
  std::optional<Result<StoredMessage>> sent;
  std::optional<Result<std::vector<StoredMessage>>> read;
  c.a->store().create_room("go", 1, [&](auto r) { room = std::move(r); });
  c.a->store().append({.room = "go", .from = "ann", .text = "first"},
                      [&](auto r) { sent = std::move(r); });
  c.a->store().history("go", 0, 10, [&](auto r) {
    CHECK(sent.has_value());  // completions come in the order of the calls
    read = std::move(r);
  });
  auto h = c.loop.await(read);
  REQUIRE_MESSAGE(h.ok(), h.status().to_string());
  REQUIRE(h->size() == 1);
  CHECK((*h)[0].text == "first");
}

TEST_CASE("a write while NATS is down fails at once with UNAVAILABLE and is never applied") {
  TwoNodes c;
  std::optional<Result<StoredRoom>> room;
  c.a->store().create_room("go", 1, [&](auto r) { room = std::move(r); });
  REQUIRE(c.loop.await(room).ok());
  const auto before = c.a->store().position();

  c.nats.stop(0);
  c.a->wait_connected(false);
  std::optional<Result<StoredMessage>> down;
  c.a->store().append({.room = "go", .from = "ann", .text = "lost"},
                      [&](auto r) { down = std::move(r); });
  const auto r = c.loop.await(down);
  CHECK(r.status().code == Code::unavailable);
  CHECK(r.status().message.find("not connected") != std::string::npos);
  CHECK(c.a->store().position() == before);

  c.nats.restart(0);
  c.a->wait_connected(true);
  std::optional<Result<StoredMessage>> up;
  c.a->store().append({.room = "go", .from = "ann", .text = "kept"},
                      [&](auto r) { up = std::move(r); });
  const auto kept = c.loop.await(up);
  REQUIRE_MESSAGE(kept.ok(), kept.status().to_string());
  CHECK(kept->id == 1);
  const auto h = c.history(*c.a, "go");
  REQUIRE(h.size() == 1);
  CHECK(h[0].text == "kept");
}

TEST_CASE("a node restarted after others wrote catches up from its applied position") {
  TwoNodes c;
  std::optional<Result<StoredRoom>> room;
  c.a->store().create_room("go", 1, [&](auto r) { room = std::move(r); });
  REQUIRE(c.loop.await(room).ok());
  c.b->wait_changes(1);
  const auto stopped_at = c.b->store().position();
  c.b->stop();

  std::vector<std::optional<Result<StoredMessage>>> slots(5);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    c.a->store().append({.room = "go", .from = "ann", .text = fmt::format("m{}", i)},
                        [&slots, i](auto r) { slots[i] = std::move(r); });
  }
  for (const auto& r : await_all(c.loop, slots)) REQUIRE(r.ok());

  c.b = c.node("b");  // the same database: it resumes after stopped_at
  CHECK(c.b->store().position() == stopped_at + slots.size());
  auto snap = c.b->store().load(10);
  REQUIRE(snap.ok());
  REQUIRE(snap->rooms.size() == 1);
  CHECK(snap->rooms[0].last_id == slots.size());
  const auto h = c.history(*c.b, "go");
  REQUIRE(h.size() == slots.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    CHECK(h[i].id == i + 1);
    CHECK(h[i].text == fmt::format("m{}", i));
  }
  // What the snapshot holds is not handed to the observer a second time.
  CHECK(c.b->changes().empty());
}

}  // namespace chatcore::cluster::test
