// SqliteStore on real database files: rooms, ids, history paging, group commit, restarts.
#include <SQLiteCpp/Database.h>
#include <fmt/format.h>

#include <fstream>
#include <vector>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

using Rooms = std::vector<StoredRoom>;
using Messages = std::vector<StoredMessage>;

Result<StoredRoom> create(FakeLoop& loop, Store& s, const std::string& name) {
  return sync<StoredRoom>(loop, [&](auto done) { s.create_room(name, 1000, done); });
}
Result<StoredMessage> append(FakeLoop& loop, Store& s, const std::string& room,
                             const std::string& text) {
  return sync<StoredMessage>(loop, [&](auto done) {
    s.append({.room = room, .from = "ann", .text = text, .sent_ms = 5}, done);
  });
}
Result<Messages> history(FakeLoop& loop, Store& s, const std::string& room,
                         std::uint64_t before, std::size_t limit) {
  return sync<Messages>(loop, [&](auto done) { s.history(room, before, limit, done); });
}
std::vector<std::string> texts(const Messages& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.text);
  return out;
}

TEST_CASE("a new data dir gets a WAL database at the current schema") {
  TempDir dir;
  FakeLoop loop;
  const auto path = dir.path() / "chatcore.db";
  {
    auto s = open_ok(path, loop);
    CHECK(s->describe().find("WAL, synchronous=NORMAL") != std::string::npos);
  }
  // WAL is a property of the file: another connection sees it, and the version.
  SQLite::Database db(path.string());
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("PRAGMA user_version").getInt() ==
        static_cast<int>(schema_migrations().size()));
}

TEST_CASE("--durability full opens with synchronous=FULL") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop, Durability::full);
  CHECK(s->describe().find("synchronous=FULL") != std::string::npos);
}

TEST_CASE("messages get ids 1, 2, 3 per room and history pages back oldest first") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  REQUIRE(create(loop, *s, "go").ok());
  REQUIRE(create(loop, *s, "rust").ok());
  for (int i = 1; i <= 5; ++i) {
    auto m = append(loop, *s, "go", fmt::format("g{}", i));
    REQUIRE(m.ok());
    CHECK(m->id == static_cast<std::uint64_t>(i));
  }
  CHECK(append(loop, *s, "rust", "r1")->id == 1);

  auto newest = history(loop, *s, "go", 0, 2);
  REQUIRE(newest.ok());
  CHECK(texts(*newest) == std::vector<std::string>{"g4", "g5"});
  auto before = history(loop, *s, "go", (*newest)[0].id, 10);
  CHECK(texts(*before) == std::vector<std::string>{"g1", "g2", "g3"});
  CHECK(history(loop, *s, "go", 1, 10)->empty());
  CHECK((*before)[0].from == "ann");
  CHECK((*before)[0].sent_ms == 5);

  auto rooms = sync<Rooms>(loop, [&](auto done) { s->rooms(done); });
  REQUIRE(rooms->size() == 2);
  CHECK((*rooms)[0].name == "go");
  CHECK((*rooms)[0].last_id == 5);
  CHECK((*rooms)[1].last_id == 1);
}

TEST_CASE("refusals: a room twice, a message to no room, deleting no room") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  REQUIRE(create(loop, *s, "go").ok());
  CHECK(create(loop, *s, "go").status().code == Code::already_exists);
  CHECK(append(loop, *s, "nowhere", "x").status().code == Code::not_found);
  CHECK(sync<bool>(loop, [&](auto done) { s->delete_room("nowhere", done); }).status().code ==
        Code::not_found);
}

TEST_CASE("a deleted room takes its history; the same name later is a new epoch") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  const auto first = create(loop, *s, "go");
  REQUIRE(append(loop, *s, "go", "old").ok());
  REQUIRE(sync<bool>(loop, [&](auto done) { s->delete_room("go", done); }).ok());
  CHECK(sync<Rooms>(loop, [&](auto done) { s->rooms(done); })->empty());
  const auto second = create(loop, *s, "go");
  REQUIRE(second.ok());
  CHECK(second->epoch > first->epoch);
  CHECK(history(loop, *s, "go", 0, 10)->empty());
  CHECK(append(loop, *s, "go", "new")->id == 1);
}

TEST_CASE("a deletion by epoch takes only that life of the room") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  const auto first = create(loop, *s, "go");
  REQUIRE(first.ok());
  const auto by_epoch = [&](const std::string& name, std::uint64_t epoch) {
    return sync<bool>(loop, [&](auto done) { s->delete_room_epoch(name, epoch, done); });
  };
  CHECK(by_epoch("go", first->epoch + 1).status().code == Code::not_found);
  CHECK(by_epoch("other", first->epoch).status().code == Code::not_found);
  REQUIRE(by_epoch("GO", first->epoch).ok());
  CHECK(sync<Rooms>(loop, [&](auto done) { s->rooms(done); })->empty());
  const auto second = create(loop, *s, "go");
  REQUIRE(second.ok());
  REQUIRE(append(loop, *s, "go", "new").ok());
  CHECK(by_epoch("go", first->epoch).status().code == Code::not_found);
  const auto rooms = sync<Rooms>(loop, [&](auto done) { s->rooms(done); });
  REQUIRE(rooms->size() == 1);
  CHECK(rooms->front().epoch == second->epoch);
  CHECK(history(loop, *s, "go", 0, 10)->size() == 1);
}

TEST_CASE("everything acknowledged is there after the store is opened again") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    auto s = open_ok(path, loop);
    REQUIRE(create(loop, *s, "go").ok());
    for (int i = 0; i < 50; ++i) REQUIRE(append(loop, *s, "go", std::to_string(i)).ok());
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto all = history(loop, *s, "go", 0, 100);
  REQUIRE(all->size() == 50);
  CHECK(all->front().text == "0");
  CHECK(all->back().id == 50);
  CHECK(append(loop, *s, "go", "next")->id == 51);
}

TEST_CASE("writes queued together commit as one batch, and a bad one fails alone") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  REQUIRE(create(loop, *s, "go").ok());
  const int before = loop.posts();
  const auto transactions = hold_writer(loop, *s);
  std::vector<std::optional<Result<StoredMessage>>> results(100);
  for (int i = 0; i < 100; ++i) {
    const std::string room = i == 50 ? "nowhere" : "go";
    s->append({.room = room, .from = "ann", .text = std::to_string(i)},
              [&results, i](Result<StoredMessage> r) { results[static_cast<std::size_t>(i)] = std::move(r); });
  }
  loop.release();
  for (auto& r : results) loop.await(r);
  // The warm-up's batch, then one for all hundred: one transaction and one wake-up of the
  // loop per batch, not per message.
  CHECK(s->transactions() == transactions + 1);
  CHECK(loop.posts() - before == 2);
  std::uint64_t id = 0;
  for (int i = 0; i < 100; ++i) {
    const auto& r = *results[static_cast<std::size_t>(i)];
    if (i == 50) {
      CHECK(r.status().code == Code::not_found);
      continue;
    }
    REQUIRE(r.ok());
    CHECK(r->id == ++id);  // in submission order, with no hole for the refused one
  }
  CHECK(history(loop, *s, "go", 0, 1000)->size() == 99);
}

TEST_CASE("a write the database refuses half-way is undone alone, in the batch it came in") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  REQUIRE(create(loop, *s, "go").ok());
  const auto transactions = hold_writer(loop, *s);
  std::optional<Result<StoredMessage>> first, second;
  std::optional<Result<bool>> file;
  s->append({.room = "go", .text = "before"}, [&](Result<StoredMessage> r) { first = std::move(r); });
  // Its row goes in, then the grant to an identity that does not exist breaks a foreign key:
  // the row must go again, and the writes around it must commit.
  s->put_file({.id = "f1", .name = "a.txt", .allowed = {999}},
              [&](Result<bool> r) { file = std::move(r); });
  s->append({.room = "go", .text = "after"}, [&](Result<StoredMessage> r) { second = std::move(r); });
  loop.release();
  const auto a = loop.await(first);
  REQUIRE_MESSAGE(a.ok(), a.status().to_string());
  CHECK(a->id == 1);
  CHECK(loop.await(file).status().code == Code::failed_precondition);
  const auto b = loop.await(second);
  REQUIRE_MESSAGE(b.ok(), b.status().to_string());
  CHECK(b->id == 2);
  CHECK(s->transactions() == transactions + 1);
  auto snapshot = s->load(10);
  REQUIRE(snapshot.ok());
  CHECK(snapshot->files.empty());
  CHECK(snapshot->recent.size() == 2);
}

TEST_CASE("a read sees the writes queued before it and none queued after it") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  REQUIRE(create(loop, *s, "go").ok());
  hold_writer(loop, *s);
  // Queued together: a resume's replay read between two messages. If the read saw the second
  // message, the hub would hand it out twice: once replayed, once live from its completion.
  std::optional<Result<StoredMessage>> first, second;
  std::optional<Result<std::vector<StoredMessage>>> read;
  s->append({.room = "go", .text = "before"}, [&](Result<StoredMessage> r) { first = std::move(r); });
  s->since("go", 0, 100, [&](Result<std::vector<StoredMessage>> r) { read = std::move(r); });
  s->append({.room = "go", .text = "after"}, [&](Result<StoredMessage> r) { second = std::move(r); });
  loop.release();
  REQUIRE(loop.await(first).ok());
  const auto seen = loop.await(read);
  REQUIRE(seen.ok());
  REQUIRE(seen->size() == 1);
  CHECK(seen->front().text == "before");
  REQUIRE(loop.await(second).ok());
  CHECK(history(loop, *s, "go", 0, 100)->size() == 2);
}

TEST_CASE("a burst longer than one batch is committed in batches of at most kMaxBatch") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  REQUIRE(create(loop, *s, "go").ok());
  const auto transactions = hold_writer(loop, *s);
  const std::size_t n = 2 * Writer::kMaxBatch + 1;
  std::vector<std::optional<Result<StoredMessage>>> results(n);
  for (std::size_t i = 0; i < n; ++i) {
    s->append({.room = "go", .text = "x"},
              [&results, i](Result<StoredMessage> r) { results[i] = std::move(r); });
  }
  loop.release();
  for (std::size_t i = 0; i < n; ++i) {
    const auto r = loop.await(results[i]);
    REQUIRE(r.ok());
    CHECK(r->id == i + 1);
  }
  CHECK(s->transactions() == transactions + 3);
}

TEST_CASE("a full disk fails the batch's writes with RESOURCE_EXHAUSTED and keeps what was committed") {
  TempDir dir;
  FakeLoop loop;
  // The schema alone takes some 25 pages; room for a few dozen messages beyond it.
  auto opened = SqliteStore::open({.path = dir.path() / "chatcore.db", .max_pages = 64}, loop.post());
  REQUIRE(opened.ok());
  auto& s = **opened;
  REQUIRE(create(loop, s, "go").ok());
  const std::string big(3000, 'x');
  std::uint64_t committed = 0;
  Status refused;
  for (int i = 0; i < 100 && refused.ok(); ++i) {
    auto m = append(loop, s, "go", big);
    if (m.ok()) {
      committed = m->id;
    } else {
      refused = m.status();
    }
  }
  REQUIRE_FALSE(refused.ok());
  REQUIRE(committed > 0);
  CHECK_MESSAGE(refused.code == Code::resource_exhausted, refused.to_string());
  CHECK(refused.message.find("full") != std::string::npos);
  auto kept = history(loop, s, "go", 0, 1000);
  REQUIRE(kept.ok());
  REQUIRE(kept->size() == committed);
  CHECK(kept->back().id == committed);
  // The room's counter did not move for the refused message: the next id follows on.
  auto rooms = sync<Rooms>(loop, [&](auto done) { s.rooms(done); });
  REQUIRE_MESSAGE(rooms.ok(), rooms.status().to_string());
  REQUIRE(rooms->size() == 1);
  CHECK((*rooms)[0].last_id == committed);
}

TEST_CASE("after close every operation fails with UNAVAILABLE") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  s->close();
  CHECK(create(loop, *s, "go").status().code == Code::unavailable);
}

TEST_CASE("a file that is not a database is refused at open with a readable reason") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  std::ofstream(path) << std::string(8192, 'x');
  FakeLoop loop;
  auto opened = SqliteStore::open({.path = path}, loop.post());
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code == Code::failed_precondition);
  CHECK(opened.status().message.find("not a database") != std::string::npos);
  CHECK(opened.status().message.find(path.string()) != std::string::npos);
}

TEST_CASE("a data dir that does not exist is refused at open") {
  TempDir dir;
  FakeLoop loop;
  auto opened = SqliteStore::open({.path = dir.path() / "missing" / "chatcore.db"}, loop.post());
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().message.find("unable to open") != std::string::npos);
}

}  // namespace
}  // namespace chatcore::store::test
