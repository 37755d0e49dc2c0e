// Room history and direct messages as a resume reads them: epochs, ids, client ids, `since`
// and `directs_since` on real database files.
#include <fmt/format.h>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

using Messages = std::vector<StoredMessage>;
using Directs = std::vector<StoredDirect>;

Result<StoredDirect> dm(FakeLoop& loop, Store& s, std::uint64_t from_id, const std::string& from,
                        std::uint64_t to_id, const std::string& to, const std::string& text) {
  return sync<StoredDirect>(loop, [&](auto done) {
    s.append_direct({.from_identity = from_id, .from = from, .to_identity = to_id, .to = to,
                     .text = text, .sent_ms = 9, .client_msg_id = 77},
                    done);
  });
}
std::vector<std::uint64_t> ids(const Directs& ds) {
  std::vector<std::uint64_t> out;
  for (const auto& d : ds) out.push_back(d.id);
  return out;
}

TEST_CASE("append gives epoch and id and keeps the client's id; since reads after an id") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  auto room = sync<StoredRoom>(loop, [&](auto done) { s->create_room("go", 1, done); });
  REQUIRE(room.ok());
  CHECK(room->first_id == 0);
  CHECK(room->last_id == 0);
  for (std::uint64_t i = 1; i <= 6; ++i) {
    auto m = sync<StoredMessage>(loop, [&](auto done) {
      s->append({.room = "go", .from = "ann", .text = fmt::format("t{}", i), .sent_ms = 40,
                 .client_msg_id = 100 + i},
                done);
    });
    REQUIRE(m.ok());
    CHECK(m->epoch == room->epoch);
    CHECK(m->id == i);
  }
  auto after = sync<Messages>(loop, [&](auto done) { s->since("go", 2, 3, done); });
  REQUIRE(after.ok());
  REQUIRE(after->size() == 3);
  CHECK((*after)[0].id == 3);
  CHECK((*after)[2].id == 5);
  CHECK((*after)[0].client_msg_id == 103);
  CHECK((*after)[0].epoch == room->epoch);
  CHECK((*after)[0].text == "t3");
  CHECK(sync<Messages>(loop, [&](auto done) { s->since("go", 6, 10, done); })->empty());
  CHECK(sync<Messages>(loop, [&](auto done) { s->since("nowhere", 0, 10, done); }).status().code ==
        Code::not_found);
  CHECK(sync<Messages>(loop, [&](auto done) { s->history("nowhere", 0, 10, done); }).status().code ==
        Code::not_found);
  auto rooms = sync<std::vector<StoredRoom>>(loop, [&](auto done) { s->rooms(done); });
  CHECK((*rooms)[0].first_id == 1);
  CHECK((*rooms)[0].last_id == 6);
}

TEST_CASE("DMs share one id sequence; directs_since gives an identity's both ways, in order") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  // Identities 1 (ann) and 2 (bob); 0 is a guest.
  REQUIRE(dm(loop, *s, 1, "ann", 2, "bob", "a->b")->id == 1);
  REQUIRE(dm(loop, *s, 2, "bob", 1, "ann", "b->a")->id == 2);
  REQUIRE(dm(loop, *s, 0, "guest", 2, "bob", "g->b")->id == 3);
  REQUIRE(dm(loop, *s, 1, "ann", 0, "guest", "a->g")->id == 4);
  REQUIRE(dm(loop, *s, 1, "ann", 1, "ann", "a->a")->id == 5);

  auto read = [&](std::uint64_t who, std::uint64_t after, std::size_t limit) {
    return *sync<Directs>(loop, [&](auto done) { s->directs_since(who, after, limit, done); });
  };
  CHECK(ids(read(1, 0, 10)) == std::vector<std::uint64_t>{1, 2, 4, 5});  // to self: once
  CHECK(ids(read(2, 0, 10)) == std::vector<std::uint64_t>{1, 2, 3});
  CHECK(ids(read(2, 1, 10)) == std::vector<std::uint64_t>{2, 3});
  CHECK(ids(read(1, 0, 2)) == std::vector<std::uint64_t>{1, 2});
  CHECK(read(3, 0, 10).empty());
  const auto first = read(2, 0, 1).at(0);
  CHECK(first.from == "ann");
  CHECK(first.to == "bob");
  CHECK(first.from_identity == 1);
  CHECK(first.to_identity == 2);
  CHECK(first.text == "a->b");
  CHECK(first.sent_ms == 9);
  CHECK(first.client_msg_id == 77);
  CHECK(s->load(0)->last_direct_id == 5);
}

TEST_CASE("a room's topic and the kinds of messages and DMs are kept across a reopen") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    auto s = open_ok(path, loop);
    REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room("Go", 1, done); }).ok());
    auto set = sync<StoredRoom>(loop, [&](auto done) { s->set_topic("go", "gophers only", "ann", 42, done); });
    REQUIRE_MESSAGE(set.ok(), set.status().to_string());
    CHECK(set->name == "Go");
    CHECK(set->topic == "gophers only");
    CHECK(set->topic_by == "ann");
    CHECK(set->topic_ms == 42);
    auto none = sync<StoredRoom>(loop, [&](auto done) { s->set_topic("rust", "x", "ann", 1, done); });
    CHECK(none.status().code == Code::not_found);
    REQUIRE(sync<StoredMessage>(loop, [&](auto done) {
              s->append({.room = "go", .from = "ann", .text = "waves", .kind = MessageKind::action},
                        done);
            }).ok());
    REQUIRE(sync<StoredMessage>(loop, [&](auto done) {
              s->append({.room = "go", .from = "ann", .text = "plain"}, done);
            }).ok());
    REQUIRE(sync<StoredDirect>(loop, [&](auto done) {
              s->append_direct({.from_identity = 1, .from = "ann", .to_identity = 2, .to = "bob",
                                .text = "nods", .kind = MessageKind::action},
                               done);
            }).ok());
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(10);
  REQUIRE(snap.ok());
  REQUIRE(snap->rooms.size() == 1);
  CHECK(snap->rooms[0].topic == "gophers only");
  CHECK(snap->rooms[0].topic_by == "ann");
  CHECK(snap->rooms[0].topic_ms == 42);
  REQUIRE(snap->recent.size() == 2);
  CHECK(snap->recent[0].kind == MessageKind::action);
  CHECK(snap->recent[1].kind == MessageKind::normal);
  auto since = sync<Messages>(loop, [&](auto done) { s->since("go", 0, 10, done); });
  REQUIRE(since.ok());
  CHECK((*since)[0].kind == MessageKind::action);
  auto dms = sync<Directs>(loop, [&](auto done) { s->directs_since(2, 0, 10, done); });
  REQUIRE(dms.ok());
  REQUIRE(dms->size() == 1);
  CHECK((*dms)[0].kind == MessageKind::action);
}

}  // namespace
}  // namespace chatcore::store::test
