// Retention on real database files, one knob at a time: what goes, what stays, and what the
// Pruned result names for the caller to clean up.
#include <fmt/format.h>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

using Messages = std::vector<StoredMessage>;
using Directs = std::vector<StoredDirect>;

struct Fixture {
  TempDir dir;
  FakeLoop loop;
  std::unique_ptr<SqliteStore> s = open_ok(dir.path() / "chatcore.db", loop);

  std::uint64_t person(const std::string& nick, std::int64_t seen_ms) {
    return sync<StoredIdentity>(loop, [&](auto done) {
             s->put_identity({.secret_hash = "h-" + nick, .nickname = nick,
                              .created_ms = seen_ms, .last_seen_ms = seen_ms},
                             done);
           })->id;
  }
  void room(const std::string& name) {
    REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room(name, 1, done); }).ok());
  }
  void join(std::uint64_t who, const std::string& room) {
    REQUIRE(sync<bool>(loop, [&](auto done) { s->add_member({who, room, 1}, done); }).ok());
  }
  void say(const std::string& room, std::int64_t sent_ms) {
    REQUIRE(sync<StoredMessage>(loop, [&](auto done) {
              s->append({.room = room, .from = "ann", .text = "x", .sent_ms = sent_ms}, done);
            }).ok());
  }
  void dm(std::uint64_t from, std::uint64_t to, std::int64_t sent_ms) {
    REQUIRE(sync<StoredDirect>(loop, [&](auto done) {
              s->append_direct({.from_identity = from, .from = fmt::format("u{}", from),
                                .to_identity = to, .to = fmt::format("u{}", to),
                                .sent_ms = sent_ms},
                               done);
            }).ok());
  }
  Pruned prune(Retention policy, std::int64_t now_ms) {
    auto r = sync<Pruned>(loop, [&](auto done) { s->prune(policy, now_ms, done); });
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    return *r;
  }
  std::vector<std::uint64_t> kept(const std::string& room) {
    std::vector<std::uint64_t> out;
    const auto got = sync<Messages>(loop, [&](auto done) { s->since(room, 0, 1000, done); });
    for (const auto& m : *got) out.push_back(m.id);
    return out;
  }
  std::vector<std::uint64_t> dms(std::uint64_t who) {
    std::vector<std::uint64_t> out;
    const auto got = sync<Directs>(loop, [&](auto done) { s->directs_since(who, 0, 1000, done); });
    for (const auto& m : *got) out.push_back(m.id);
    return out;
  }
  StoredRoom info(const std::string& name) {
    const auto rooms = sync<std::vector<StoredRoom>>(loop, [&](auto done) { s->rooms(done); });
    for (const auto& r : *rooms) {
      if (r.name == name) return r;
    }
    FAIL("no room " << name);
    return {};
  }
};

using Ids = std::vector<std::uint64_t>;

TEST_CASE_FIXTURE(Fixture, "history_keep keeps the newest N per room; first_id follows") {
  room("go");
  room("rust");
  for (int i = 0; i < 5; ++i) say("go", 10);
  say("rust", 10);
  const auto pruned = prune({.history_keep = 2}, 100);
  CHECK(pruned.messages == 3);
  CHECK(kept("go") == Ids{4, 5});
  CHECK(kept("rust") == Ids{1});
  CHECK(info("go").first_id == 4);
  CHECK(info("go").last_id == 5);
  say("go", 10);  // ids go on
  CHECK(kept("go") == Ids{4, 5, 6});
  CHECK(prune({.history_keep = 2}, 100).messages == 1);
  CHECK(prune({.history_keep = 2}, 100).messages == 0);
}

TEST_CASE_FIXTURE(Fixture, "history_ms drops a room's messages older than the cut, as a prefix") {
  room("go");
  say("go", 10);
  say("go", 20);
  say("go", 30);
  CHECK(prune({.history_keep = 0, .history_ms = 75}, 100).messages == 2);  // before 25 go
  CHECK(kept("go") == Ids{3});
  CHECK(info("go").first_id == 3);
  // All gone: first_id passes last_id, so a client at 3 sees nothing missed and one at 1 a gap.
  CHECK(prune({.history_keep = 0, .history_ms = 50}, 100).messages == 1);
  CHECK(kept("go").empty());
  CHECK(info("go").first_id == 4);
  CHECK(info("go").last_id == 3);
}

TEST_CASE_FIXTURE(Fixture, "DMs: the newest N per pair, and by age over every conversation") {
  const auto a = person("a", 1), b = person("b", 1), c = person("c", 1);
  for (int i = 0; i < 4; ++i) dm(a, b, 10);  // 1..4
  dm(b, a, 10);                              // 5, the same pair the other way
  dm(a, c, 10);                              // 6
  CHECK(prune({.history_keep = 2}, 100).directs == 3);
  CHECK(dms(b) == Ids{4, 5});
  CHECK(dms(a) == Ids{4, 5, 6});
  dm(c, a, 90);  // 7
  CHECK(prune({.history_keep = 0, .history_ms = 50}, 100).directs == 3);
  CHECK(dms(a) == Ids{7});
}

TEST_CASE_FIXTURE(Fixture, "file_ms expires files and upload_ms interrupted uploads") {
  const auto a = person("a", 1);
  for (auto [id, ms] : {std::pair{"old", 10}, std::pair{"new", 90}}) {
    REQUIRE(sync<bool>(loop, [&](auto done) {
              s->put_file({.id = id, .name = "n", .sent_ms = ms, .allowed = {a}}, done);
            }).ok());
    REQUIRE(sync<bool>(loop, [&](auto done) {
              s->put_upload({.key = std::string("k-") + id, .file_id = std::string("p-") + id,
                             .updated_ms = ms},
                            done);
            }).ok());
  }
  auto pruned = prune({.history_keep = 0, .file_ms = 50}, 100);
  CHECK(pruned.files == std::vector<std::string>{"old"});
  CHECK(pruned.uploads.empty());
  pruned = prune({.history_keep = 0, .upload_ms = 50}, 100);
  CHECK(pruned.files.empty());
  CHECK(pruned.uploads == std::vector<std::string>{"p-old"});
  auto snap = s->load(0);
  REQUIRE(snap->files.size() == 1);
  CHECK(snap->files[0].id == "new");
  REQUIRE(snap->uploads.size() == 1);
  CHECK(snap->uploads[0].key == "k-new");
}

TEST_CASE_FIXTURE(Fixture, "nick_ms: unseen identities go with memberships, emptied rooms, files") {
  const auto old = person("old", 10), fresh = person("fresh", 90);
  room("alone");  // only `old` is in it: goes, with its history
  room("shared");
  room("nobody");  // no stored member at all: not the prune's to delete
  join(old, "alone");
  join(old, "shared");
  join(fresh, "shared");
  say("alone", 10);
  for (auto [id, allowed] : {std::pair{"mine", std::vector<std::uint64_t>{old}},
                             std::pair{"ours", std::vector<std::uint64_t>{old, fresh}}}) {
    REQUIRE(sync<bool>(loop, [&](auto done) {
              s->put_file({.id = id, .sent_ms = 95, .allowed = allowed}, done);
            }).ok());
  }
  const auto pruned = prune({.history_keep = 0, .nick_ms = 50}, 100);
  REQUIRE(pruned.identities.size() == 1);
  CHECK(pruned.identities[0].nickname == "old");
  CHECK(pruned.rooms == std::vector<std::string>{"alone"});
  CHECK(pruned.files == std::vector<std::string>{"mine"});
  auto snap = s->load(10);
  REQUIRE(snap->identities.size() == 1);
  CHECK(snap->identities[0].id == fresh);
  REQUIRE(snap->rooms.size() == 2);
  CHECK(snap->rooms[0].name == "nobody");
  CHECK(snap->rooms[1].name == "shared");
  REQUIRE(snap->members.size() == 1);
  CHECK(snap->members[0].identity == fresh);
  REQUIRE(snap->files.size() == 1);
  CHECK(snap->files[0].allowed == Ids{fresh});
  CHECK(snap->recent.empty());
  // The nickname is free again.
  CHECK(person("old", 100) != 0);
}

TEST_CASE_FIXTURE(Fixture, "a zero policy keeps everything") {
  const auto a = person("a", 1);
  room("go");
  say("go", 1);
  dm(a, a, 1);
  const auto pruned = prune({.history_keep = 0}, 1'000'000'000);
  CHECK(pruned.messages == 0);
  CHECK(pruned.directs == 0);
  CHECK(pruned.identities.empty());
  CHECK(kept("go") == Ids{1});
}

}  // namespace
}  // namespace chatcore::store::test
