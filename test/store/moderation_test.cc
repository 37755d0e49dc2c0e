// The moderation tables on real SQLite files: room creators, bans and mutes, the MOTD, read
// back by a new process's load(); the migration that adds them keeps an older database's rows.
#include <SQLiteCpp/Database.h>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

std::uint64_t identity(FakeLoop& loop, SqliteStore& s, const std::string& hash,
                       const std::string& nick) {
  auto r = sync<StoredIdentity>(loop, [&](auto done) {
    s.put_identity({.secret_hash = hash, .nickname = nick}, done);
  });
  REQUIRE_MESSAGE(r.ok(), r.status().to_string());
  return r->id;
}

}  // namespace

TEST_CASE("creators, bans, mutes and the MOTD are read back after a reopen; lifted and expired go") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  std::uint64_t ann = 0, bob = 0;
  {
    FakeLoop loop;
    auto s = open_ok(path, loop);
    ann = identity(loop, *s, "aa", "ann");
    bob = identity(loop, *s, "bb", "bob");
    REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room("Den", 1, done); }).ok());
    REQUIRE(sync<bool>(loop, [&](auto done) { s->set_room_creator("den", ann, done); }).ok());
    CHECK(sync<bool>(loop, [&](auto done) { s->set_room_creator("nowhere", ann, done); })
              .status().code == Code::not_found);
    const auto put = [&](StoredSanction x) {
      REQUIRE(sync<bool>(loop, [&](auto done) { s->put_sanction(x, done); }).ok());
    };
    put({.kind = SanctionKind::ban, .identity = bob, .room = "den", .until_ms = 0,
         .reason = "spam", .by = "ann"});
    put({.kind = SanctionKind::mute, .identity = bob, .room = "", .until_ms = 1,
         .reason = "expired long ago", .by = "op"});
    put({.kind = SanctionKind::mute, .identity = ann, .room = "", .until_ms = 0,
         .reason = "lifted", .by = "op"});
    auto lifted = sync<bool>(loop, [&](auto done) {
      s->remove_sanction(SanctionKind::mute, ann, "", done);
    });
    CHECK(*lifted);
    CHECK_FALSE(*sync<bool>(loop, [&](auto done) {
      s->remove_sanction(SanctionKind::mute, ann, "", done);
    }));
    REQUIRE(sync<bool>(loop, [&](auto done) { s->set_motd("be nice", done); }).ok());
    s->close();
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(0);
  REQUIRE_MESSAGE(snap.ok(), snap.status().to_string());
  REQUIRE(snap->sanctions.size() == 1);
  CHECK(snap->sanctions[0].kind == SanctionKind::ban);
  CHECK(snap->sanctions[0].identity == bob);
  CHECK(snap->sanctions[0].room == "den");
  CHECK(snap->sanctions[0].reason == "spam");
  CHECK(snap->sanctions[0].by == "ann");
  REQUIRE(snap->creators.size() == 1);
  CHECK(snap->creators[0].room == "Den");
  CHECK(snap->creators[0].identity == ann);
  CHECK(snap->motd == "be nice");
  // The creator goes with the room's life.
  REQUIRE(sync<bool>(loop, [&](auto done) { s->delete_room("den", done); }).ok());
  auto after = s->load(0);
  CHECK(after->creators.empty());
}

TEST_CASE("the moderation migration upgrades a schema 3 database, keeping its rooms") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    REQUIRE(SqliteStore::open({.path = path, .schema = schema_migrations().first(3)}, loop.post())
                .ok());
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO rooms(name, created_ms) VALUES('old', 5)");
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(0);
  REQUIRE_MESSAGE(snap.ok(), snap.status().to_string());
  REQUIRE(snap->rooms.size() == 1);
  CHECK(snap->creators.empty());
  CHECK(snap->sanctions.empty());
  CHECK(snap->motd.empty());
  REQUIRE(sync<bool>(loop, [&](auto done) { s->set_motd("x", done); }).ok());
  SQLite::Database db(path.string());
  CHECK(db.execAndGet("PRAGMA user_version").getInt() ==
        static_cast<int>(schema_migrations().size()));
}

}  // namespace chatcore::store::test
