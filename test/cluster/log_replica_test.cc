// A replica applies the log once and in order, on real SQLite files: its position is
// committed with each command's effect, so a node stopped anywhere resumes at the right one.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <map>

#include "cluster/log_replica.h"
#include "store_fixture.h"

namespace chatcore::cluster::test {

namespace {
using namespace chatcore::store;
using namespace chatcore::store::test;

// A log of one room and `n` messages into it: seq 1 creates it, seq k + 1 appends "m<k>".
std::vector<std::string> room_log(int n, std::size_t text_bytes = 0) {
  std::vector<std::string> log{encode({"a", 1}, op::CreateRoom{"go", 1})};
  for (int k = 1; k <= n; ++k) {
    std::string text = fmt::format("m{}", k);
    text.resize(std::max(text.size(), text_bytes), '.');
    log.push_back(encode({"a", 1ULL + k}, op::Append{{.room = "go", .from = "ann",
                                                     .text = text, .sent_ms = k}}));
  }
  return log;
}

// A replica whose completions land in `results` (by seq) on the fake loop.
struct Node {
  FakeLoop loop;
  std::map<std::uint64_t, Result<Outcome>> results;
  std::unique_ptr<Replica> replica;

  explicit Node(const std::filesystem::path& db, int max_pages = 0) {
    auto store = SqliteStore::open({.path = db, .max_pages = max_pages}, loop.post());
    REQUIRE_MESSAGE(store.ok(), store.status().to_string());
    auto opened = Replica::open(std::move(*store),
                                [this](std::uint64_t seq, const Decoded&, Result<Outcome> r) {
                                  results.insert_or_assign(seq, std::move(r));
                                });
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    replica = std::move(*opened);
  }
  // Runs completions until command `seq` has one.
  Result<Outcome> wait(std::uint64_t seq) {
    std::optional<bool> got;
    while (!results.contains(seq)) {
      // A read queued behind the writes completes after them: something to await.
      replica->store().rooms([&got](auto) { got = true; });
      loop.await(got);
      got.reset();
    }
    return results.at(seq);
  }
  std::vector<StoredMessage> history() {
    auto h = sync<std::vector<StoredMessage>>(
        loop, [&](auto done) { replica->store().history("go", 0, 1000, done); });
    REQUIRE_MESSAGE(h.ok(), h.status().to_string());
    return *h;
  }
};
}  // namespace

TEST_CASE("a replica stopped mid-stream resumes after its last command and applies none twice") {
  TempDir dir;
  const auto db = dir.path() / "chat.db";
  const auto log = room_log(9);
  {
    Node node(db);
    CHECK(node.replica->position() == 0);
    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
      auto applied = node.replica->apply(seq, log[seq - 1]);
      REQUIRE_MESSAGE(applied.ok(), applied.status().to_string());
      CHECK(*applied);
    }
    REQUIRE(node.wait(5).ok());
  }
  Node node(db);
  CHECK(node.replica->position() == 5);
  // The log is delivered again from its start (at least once): the replica takes only 6..10.
  for (std::uint64_t seq = 1; seq <= log.size(); ++seq) {
    auto applied = node.replica->apply(seq, log[seq - 1]);
    REQUIRE_MESSAGE(applied.ok(), applied.status().to_string());
    CHECK(*applied == (seq > 5));
  }
  auto last = node.wait(10);
  REQUIRE_MESSAGE(last.ok(), last.status().to_string());
  CHECK(std::get<StoredMessage>(*last).id == 9);
  CHECK(node.results.size() == 5);
  CHECK(node.results.begin()->first == 6);
  const auto history = node.history();
  REQUIRE(history.size() == 9);
  for (std::size_t i = 0; i < history.size(); ++i) {
    CHECK(history[i].id == i + 1);
    CHECK(history[i].text == fmt::format("m{}", i + 1));
  }
}

TEST_CASE("commands applied in one batch commit their position once; a restart resumes after "
          "the last") {
  TempDir dir;
  const auto db = dir.path() / "chat.db";
  auto log = room_log(8);
  // Refused commands in the middle and at the end of the batch: their answers are final too.
  const auto refused = [](std::uint64_t op) {
    return encode({"a", op}, op::Append{{.room = "nowhere", .from = "ann", .text = "x"}});
  };
  log[4] = refused(5);
  log.push_back(refused(10));
  {
    Node node(db);
    REQUIRE(*node.replica->apply(1, log[0]));
    REQUIRE(node.wait(1).ok());
    // Everything handed over until release() queues into one of the writer's batches.
    const auto transactions = hold_writer(node.loop, node.replica->store());
    for (std::uint64_t seq = 2; seq <= log.size(); ++seq) {
      REQUIRE(*node.replica->apply(seq, log[seq - 1]));
    }
    node.loop.release();
    CHECK(node.wait(10).status().code == Code::not_found);
    CHECK(node.replica->store().transactions() == transactions + 1);
    CHECK(node.results.at(5).status().code == Code::not_found);
    CHECK(std::get<StoredMessage>(*node.results.at(9)).id == 7);
  }
  Node node(db);
  CHECK(node.replica->position() == 10);
  for (std::uint64_t seq = 1; seq <= log.size(); ++seq) {
    CHECK_FALSE(*node.replica->apply(seq, log[seq - 1]));
  }
  REQUIRE(*node.replica->apply(11, encode({"a", 11}, op::Append{{.room = "go", .text = "m8"}})));
  auto next = node.wait(11);
  REQUIRE_MESSAGE(next.ok(), next.status().to_string());
  CHECK(std::get<StoredMessage>(*next).id == 8);
  CHECK(node.history().size() == 8);
}

TEST_CASE("a command the store refuses still moves the position: every replica refuses it") {
  TempDir dir;
  const auto db = dir.path() / "chat.db";
  {
    Node node(db);
    REQUIRE(node.replica->apply(1, encode({"a", 1}, op::CreateRoom{"go", 1})).ok());
    REQUIRE(node.replica->apply(2, encode({"b", 1}, op::CreateRoom{"GO", 2})).ok());
    CHECK(node.wait(1).ok());
    CHECK(node.wait(2).status().code == Code::already_exists);
    CHECK_FALSE(node.replica->broken());
  }
  Node node(db);
  CHECK(node.replica->position() == 2);
}

TEST_CASE("deletions of a room's life by its epoch: the first wins, a late one spares a new room") {
  TempDir dir;
  Node node(dir.path() / "chat.db");
  // Two nodes found the room abandoned and each deleted it by its epoch; then it was made
  // again, and a third node's deletion of the old life came last.
  REQUIRE(node.replica->apply(1, encode({"a", 1}, op::CreateRoom{"go", 1})).ok());
  const auto first = node.wait(1);
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  const auto old_epoch = std::get<StoredRoom>(*first).epoch;
  REQUIRE(node.replica->apply(2, encode({"b", 1}, op::DeleteRoom{"go", old_epoch})).ok());
  REQUIRE(node.replica->apply(3, encode({"c", 1}, op::DeleteRoom{"GO", old_epoch})).ok());
  REQUIRE(node.replica->apply(4, encode({"a", 2}, op::CreateRoom{"go", 4})).ok());
  REQUIRE(node.replica->apply(5, encode({"d", 1}, op::DeleteRoom{"go", old_epoch})).ok());
  CHECK(node.wait(2).ok());
  CHECK(node.wait(3).status().code == Code::not_found);
  const auto again = node.wait(4);
  REQUIRE_MESSAGE(again.ok(), again.status().to_string());
  CHECK(std::get<StoredRoom>(*again).epoch != old_epoch);
  CHECK(node.wait(5).status().code == Code::not_found);
  const auto rooms = sync<std::vector<StoredRoom>>(
      node.loop, [&](auto done) { node.replica->store().rooms(done); });
  REQUIRE(rooms.ok());
  REQUIRE(rooms->size() == 1);
  CHECK(rooms->front().epoch == std::get<StoredRoom>(*again).epoch);
  CHECK_FALSE(node.replica->broken());
}

TEST_CASE("a command lost to a full disk leaves the position before it, with its effect") {
  TempDir dir;
  const auto db = dir.path() / "chat.db";
  const auto log = room_log(400, 3000);
  std::uint64_t lost = 0;
  {
    Node node(db, 64);
    for (std::uint64_t seq = 1; seq <= log.size() && lost == 0; ++seq) {
      REQUIRE(node.replica->apply(seq, log[seq - 1]).ok());
      auto r = node.wait(seq);
      if (!r.ok()) {
        CHECK_MESSAGE(r.status().code == Code::resource_exhausted, r.status().to_string());
        lost = seq;
      }
    }
    REQUIRE(lost > 2);
    CHECK(node.replica->broken());
    // Nothing after the hole is taken, so nothing can commit past it.
    CHECK(node.replica->apply(lost + 1, log[lost]).status().code == Code::unavailable);
  }
  Node node(db);  // the disk has room again
  CHECK(node.replica->position() == lost - 1);
  CHECK(node.history().size() == lost - 2);
  REQUIRE(*node.replica->apply(lost, log[lost - 1]));
  auto r = node.wait(lost);
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  CHECK(std::get<StoredMessage>(*r).id == lost - 1);
  CHECK(node.history().size() == lost - 1);
}

TEST_CASE("a gap in the log or a command this build cannot read stops the replica") {
  TempDir dir;
  const auto db = dir.path() / "chat.db";
  const auto log = room_log(3);
  {
    Node node(db);
    REQUIRE(node.replica->apply(1, log[0]).ok());
    auto gap = node.replica->apply(3, log[2]);
    CHECK(gap.status().code == Code::failed_precondition);
    CHECK(gap.status().message.find("from 1 to 3") != std::string::npos);
    CHECK(node.replica->broken());
    CHECK(node.replica->apply(2, log[1]).status().code == Code::unavailable);
    CHECK(node.wait(1).ok());
  }
  {
    Node node(db);
    CHECK(node.replica->position() == 1);
    auto junk = node.replica->apply(2, "\xff\xff\xff");
    CHECK(junk.status().code == Code::invalid_argument);
    CHECK(junk.status().message.find("log command 2") != std::string::npos);
    CHECK(node.replica->broken());
  }
  Node node(db);
  CHECK(node.replica->position() == 1);
  CHECK(node.history().empty());
}

}  // namespace chatcore::cluster::test
