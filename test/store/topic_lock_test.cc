// Topic locks on real SQLite files: set and lifted, read back by a new process's load(), gone
// with the room's life; the migration that adds them keeps a schema 5 database's rows.
#include <SQLiteCpp/Database.h>

#include "store_fixture.h"

namespace chatcore::store::test {

TEST_CASE("a topic lock is read back after a reopen, lifted, and goes with the room") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    auto s = open_ok(path, loop);
    for (const char* name : {"Den", "hall", "attic"}) {
      REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room(name, 1, done); }).ok());
    }
    const auto lock = [&](const std::string& room, bool locked) {
      return sync<bool>(loop, [&](auto done) { s->set_topic_lock(room, locked, "ann", done); });
    };
    REQUIRE(lock("den", true).ok());  // found as rooms are, without regard to ASCII case
    REQUIRE(lock("hall", true).ok());
    REQUIRE(lock("hall", true).ok());  // again: still one lock
    REQUIRE(lock("attic", true).ok());
    REQUIRE(lock("attic", false).ok());
    CHECK(lock("nowhere", true).status().code == Code::not_found);
    s->close();
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(0);
  REQUIRE_MESSAGE(snap.ok(), snap.status().to_string());
  CHECK(snap->topic_locks == std::vector<std::string>{"Den", "hall"});
  // Deleted and created again: a new life, unlocked.
  REQUIRE(sync<bool>(loop, [&](auto done) { s->delete_room("den", done); }).ok());
  REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room("den", 2, done); }).ok());
  auto after = s->load(0);
  REQUIRE(after.ok());
  CHECK(after->topic_locks == std::vector<std::string>{"hall"});
}

TEST_CASE("the topic lock migration upgrades a schema 5 database, keeping its rows") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    REQUIRE(SqliteStore::open({.path = path, .schema = schema_migrations().first(5)}, loop.post())
                .ok());
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO rooms(name, created_ms, topic, topic_by) VALUES('old', 5, 'kept', 'ann')");
    db.exec("INSERT INTO settings(key, value) VALUES('motd', 'still here')");
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 5);
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(0);
  REQUIRE_MESSAGE(snap.ok(), snap.status().to_string());
  REQUIRE(snap->rooms.size() == 1);
  CHECK(snap->rooms[0].topic == "kept");
  CHECK(snap->motd == "still here");
  CHECK(snap->topic_locks.empty());
  REQUIRE(sync<bool>(loop, [&](auto done) { s->set_topic_lock("old", true, "ann", done); }).ok());
  CHECK(s->load(0)->topic_locks == std::vector<std::string>{"old"});
  SQLite::Database db(path.string());
  CHECK(db.execAndGet("PRAGMA user_version").getInt() ==
        static_cast<int>(schema_migrations().size()));
}

}  // namespace chatcore::store::test
