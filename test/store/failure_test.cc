// A store that cannot be used is refused at open with FAILED_PRECONDITION and a readable
// reason; a disk that fills during a commit loses the whole batch and nothing else.
#include <SQLiteCpp/Database.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

using Messages = std::vector<StoredMessage>;

// What open() said in a child process that first ran `setup` (dropping root's powers, or
// mounting): "" when it opened, else "CODE message"; "skip: why" when setup was impossible.
template <class Setup>
std::string open_in_child(const std::filesystem::path& db, Setup setup) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::string out = setup();
    if (out.empty()) {
      FakeLoop loop;
      auto opened = SqliteStore::open({.path = db}, loop.post());
      if (!opened.ok()) out = opened.status().to_string();
    }
    (void)!::write(fds[1], out.data(), out.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFEXITED(status));
  return out;
}

// Root writes through any mode bits: the child becomes nobody so that they apply.
std::string as_nobody() {
  if (::geteuid() != 0) return "";
  if (::setgid(65534) != 0 || ::setuid(65534) != 0) return "skip: cannot become nobody";
  return "";
}

void make_db(const std::filesystem::path& path) {
  FakeLoop loop;
  open_ok(path, loop);
}

void give_to_nobody(const std::filesystem::path& p) {
  if (::geteuid() == 0) REQUIRE(::chown(p.c_str(), 65534, 65534) == 0);
}

void check_refused(const std::string& said, const std::filesystem::path& db) {
  if (said.rfind("skip:", 0) == 0) {
    MESSAGE(said);
    return;
  }
  CHECK_MESSAGE(said.rfind("FAILED_PRECONDITION: cannot open the store", 0) == 0, said);
  CHECK_MESSAGE(said.find(db.string()) != std::string::npos, said);
  CHECK_MESSAGE(said.find("must be able to write") != std::string::npos, said);
}

TEST_CASE("a damaged database (good header, broken pages) is refused at open or load") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  {
    FakeLoop loop;
    auto s = open_ok(path, loop);
    REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room("go", 1, done); }).ok());
  }
  {
    // Checkpoint the WAL into the file, then overwrite everything after the first page.
    SQLite::Database db(path.string(), SQLite::OPEN_READWRITE);
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  const auto size = std::filesystem::file_size(path);
  REQUIRE(size > 8192);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);
    f << std::string(size - 4096, '\x5a');
  }
  FakeLoop loop;
  auto opened = SqliteStore::open({.path = path}, loop.post());
  Status status = opened.ok() ? (*opened)->load(10).status() : opened.status();
  REQUIRE_FALSE(status.ok());
  CHECK(status.code == Code::failed_precondition);
  CHECK_MESSAGE(status.message.find("malformed") != std::string::npos, status.message);
  CHECK_MESSAGE(status.message.find("restore a backup") != std::string::npos, status.message);
}

TEST_CASE("a database file chatd may not write is refused at open") {
  TempDir dir;
  give_to_nobody(dir.path());
  const auto path = dir.path() / "chatcore.db";
  make_db(path);
  REQUIRE(::chmod(path.c_str(), 0444) == 0);
  check_refused(open_in_child(path, as_nobody), path);
}

TEST_CASE("a data dir chatd may not write is refused at open, database or not") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  SUBCASE("with a database in it") { make_db(path); }
  SUBCASE("empty") {}
  REQUIRE(::chmod(dir.path().c_str(), 0555) == 0);
  check_refused(open_in_child(path, as_nobody), path);
  ::chmod(dir.path().c_str(), 0755);
}

TEST_CASE("a data dir on a read-only filesystem is refused at open") {
  TempDir dir;
  const auto data = dir.path() / "data";
  std::filesystem::create_directory(data);
  const auto path = data / "chatcore.db";
  make_db(path);
  // A private mount namespace: the read-only bind mount is seen by the child alone.
  const auto said = open_in_child(path, [&]() -> std::string {
    if (::unshare(CLONE_NEWNS) != 0) return "skip: no mount namespace here";
    // The kernel ignores the type for these; "none" keeps memory checkers from reading null.
    if (::mount("none", "/", "none", MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(data.c_str(), data.c_str(), "none", MS_BIND, nullptr) != 0 ||
        ::mount("none", data.c_str(), "none", MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
      return std::string("skip: cannot mount read-only: ") + std::strerror(errno);
    }
    return "";
  });
  check_refused(said, path);
}

TEST_CASE("a disk full during a batch fails all of it; what was committed before stays") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  std::uint64_t committed = 0;
  {
    FakeLoop loop;
    auto opened = SqliteStore::open({.path = path, .max_pages = 64}, loop.post());
    REQUIRE(opened.ok());
    auto& s = **opened;
    REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s.create_room("go", 1, done); }).ok());
    REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s.create_room("rust", 1, done); }).ok());
    const std::string big(3000, 'x');
    for (int i = 0; i < 10; ++i) {
      auto m = sync<StoredMessage>(loop, [&](auto done) { s.append({.room = "go", .text = big}, done); });
      REQUIRE(m.ok());
      committed = m->id;
    }
    // One batch: a small write that fits, then more than the space left, then another room.
    const auto transactions = hold_writer(loop, s);
    std::vector<std::optional<Status>> results(60);
    for (std::size_t i = 0; i < results.size(); ++i) {
      const std::string room = i % 2 ? "rust" : "go";
      s.append({.room = room, .text = i == 0 ? "small" : big},
               [&results, i](Result<StoredMessage> r) { results[i] = r.status(); });
    }
    loop.release();
    for (auto& r : results) {
      const Status status = loop.await(r);
      CHECK_MESSAGE(status.code == Code::resource_exhausted, status.to_string());
      CHECK(status.message.find("full") != std::string::npos);
    }
    CHECK(s.transactions() == transactions + 1);
    // The store goes on: a write that fits still commits, with the next id.
    auto next = sync<StoredMessage>(loop, [&](auto done) { s.append({.room = "rust", .text = "y"}, done); });
    REQUIRE_MESSAGE(next.ok(), next.status().to_string());
    CHECK(next->id == 1);
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto go = sync<Messages>(loop, [&](auto done) { s->since("go", 0, 1000, done); });
  REQUIRE(go.ok());
  CHECK(go->size() == committed);
  auto rust = sync<Messages>(loop, [&](auto done) { s->since("rust", 0, 1000, done); });
  REQUIRE(rust->size() == 1);
  CHECK(rust->at(0).text == "y");
  auto rooms = s->load(0)->rooms;
  REQUIRE(rooms.size() == 3);
  CHECK(rooms[0].last_id == committed);  // go: its counter did not move either
  CHECK(rooms[1].last_id == 1);
}

}  // namespace
}  // namespace chatcore::store::test
