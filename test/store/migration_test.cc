// Schema versions: an older database is upgraded in place with its data, a newer one refused.
#include <SQLiteCpp/Database.h>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

// A two-step schema stands in for "the previous release, then this one".
constexpr Migration kOld[] = {
    {"notes", "CREATE TABLE notes (text TEXT NOT NULL);"},
};
constexpr Migration kNew[] = {
    kOld[0],
    {"note authors", "ALTER TABLE notes ADD COLUMN author TEXT NOT NULL DEFAULT 'unknown';"},
};

TEST_CASE("a database at an older schema version opens and is upgraded, keeping its rows") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  FakeLoop loop;
  REQUIRE(SqliteStore::open({.path = path, .schema = kOld}, loop.post()).ok());
  {
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO notes(text) VALUES('kept')");
  }
  auto opened = SqliteStore::open({.path = path, .schema = kNew}, loop.post());
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  (*opened)->close();
  SQLite::Database db(path.string());
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == 2);
  CHECK(db.execAndGet("SELECT text || '/' || author FROM notes").getString() == "kept/unknown");
}

TEST_CASE("the release schema upgrades the first version's database") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  FakeLoop loop;
  const auto all = schema_migrations();
  REQUIRE(SqliteStore::open({.path = path, .schema = all.first(1)}, loop.post()).ok());
  auto opened = SqliteStore::open({.path = path}, loop.post());
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  CHECK((*opened)->describe().find("schema " + std::to_string(all.size())) != std::string::npos);
}

TEST_CASE("a schema 1 database with rooms and history upgrades to the release schema, rows kept") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    REQUIRE(SqliteStore::open({.path = path, .schema = schema_migrations().first(1)}, loop.post())
                .ok());
    // Rows as the first release wrote them, with its columns only.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO rooms(name, created_ms, last_id) VALUES('go', 5, 2), ('rust', 6, 0);"
            "INSERT INTO messages(epoch, id, sender, body, sent_ms) VALUES"
            " (1, 1, 'ann', 'hello', 10), (1, 2, 'bob', 'hi', 11);");
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(10);
  REQUIRE_MESSAGE(snap.ok(), snap.status().to_string());
  REQUIRE(snap->rooms.size() == 2);
  const auto& go = snap->rooms[0];
  CHECK(go.name == "go");
  CHECK(go.epoch == 1);
  CHECK(go.last_id == 2);
  CHECK(go.first_id == 1);
  CHECK(go.created_ms == 5);
  CHECK(snap->rooms[1].first_id == 0);
  REQUIRE(snap->recent.size() == 2);
  CHECK(snap->recent[0].text == "hello");
  CHECK(snap->recent[1].from == "bob");
  CHECK(snap->recent[1].client_msg_id == 0);
  // The upgraded tables take new rows: the room goes on from its id, the new tables work.
  auto m = sync<StoredMessage>(loop, [&](auto done) { s->append({.room = "GO", .text = "x"}, done); });
  REQUIRE_MESSAGE(m.ok(), m.status().to_string());
  CHECK(m->id == 3);
  auto ann = sync<StoredIdentity>(loop, [&](auto done) {
    s->put_identity({.secret_hash = "aa", .nickname = "ann"}, done);
  });
  REQUIRE(ann.ok());
  CHECK(sync<bool>(loop, [&](auto done) { s->add_member({ann->id, "go", 1}, done); }).ok());
}

TEST_CASE("a schema 2 database upgrades to 3: messages and DMs become normal, rooms get no topic") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    REQUIRE(SqliteStore::open({.path = path, .schema = schema_migrations().first(2)}, loop.post())
                .ok());
    // Rows with the columns schema 2 has, and nothing else.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO rooms(name, created_ms, last_id) VALUES('go', 5, 1);"
            "INSERT INTO messages(epoch, id, sender, body, sent_ms, client_msg_id) VALUES"
            " (1, 1, 'ann', 'hello', 10, 3);"
            "INSERT INTO identities(secret_hash, nickname, created_ms, last_seen_ms) VALUES"
            " ('aa', 'ann', 1, 1), ('bb', 'bob', 1, 1);"
            "INSERT INTO directs(pair, from_identity, sender, to_identity, recipient, body,"
            " sent_ms) VALUES('i1\ni2', 1, 'ann', 2, 'bob', 'psst', 12);");
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == 2);
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  // Upgraded through 3 to the release schema.
  CHECK(s->describe().find("schema " + std::to_string(schema_migrations().size())) !=
        std::string::npos);
  auto snap = s->load(10);
  REQUIRE_MESSAGE(snap.ok(), snap.status().to_string());
  REQUIRE(snap->rooms.size() == 1);
  CHECK(snap->rooms[0].topic.empty());
  CHECK(snap->rooms[0].topic_ms == 0);
  REQUIRE(snap->recent.size() == 1);
  CHECK(snap->recent[0].text == "hello");
  CHECK(snap->recent[0].client_msg_id == 3);
  CHECK(snap->recent[0].kind == MessageKind::normal);
  auto dms = sync<std::vector<StoredDirect>>(loop, [&](auto done) { s->directs_since(2, 0, 10, done); });
  REQUIRE(dms.ok());
  REQUIRE(dms->size() == 1);
  CHECK((*dms)[0].text == "psst");
  CHECK((*dms)[0].kind == MessageKind::normal);
  // The new columns take new rows.
  auto topic = sync<StoredRoom>(loop, [&](auto done) { s->set_topic("GO", "gophers", "ann", 20, done); });
  REQUIRE_MESSAGE(topic.ok(), topic.status().to_string());
  CHECK(topic->topic == "gophers");
  auto m = sync<StoredMessage>(loop, [&](auto done) {
    s->append({.room = "go", .text = "waves", .kind = MessageKind::action}, done);
  });
  REQUIRE(m.ok());
  CHECK(m->id == 2);
  auto page = sync<std::vector<StoredMessage>>(loop, [&](auto done) { s->history("go", 0, 10, done); });
  REQUIRE(page.ok());
  REQUIRE(page->size() == 2);
  CHECK((*page)[1].kind == MessageKind::action);
}

TEST_CASE("a database from a newer chatd is refused, untouched, with both versions named") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  FakeLoop loop;
  REQUIRE(SqliteStore::open({.path = path, .schema = kNew}, loop.post()).ok());
  auto opened = SqliteStore::open({.path = path, .schema = kOld}, loop.post());
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code == Code::failed_precondition);
  const auto& text = opened.status().message;
  CHECK(text.find("schema version 2") != std::string::npos);
  CHECK(text.find("knows up to 1") != std::string::npos);
  CHECK(text.find("newer chatd") != std::string::npos);
  SQLite::Database db(path.string());
  CHECK(db.execAndGet("PRAGMA user_version").getInt() == 2);
}

}  // namespace
}  // namespace chatcore::store::test
