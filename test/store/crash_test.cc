// The store's promise under a crash: a process that is killed (SIGKILL) while appending has
// every append it was told was committed on disk, and no batch in part.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

// Appends to room "go" with up to 200 in flight, writing each acknowledged id to `out`, until
// killed.
[[noreturn]] void append_forever(const std::filesystem::path& db, int out) {
  FakeLoop loop;
  auto opened = SqliteStore::open({.path = db}, loop.post());
  if (!opened.ok()) ::_exit(2);
  auto& s = **opened;
  std::optional<Result<StoredRoom>> room;
  s.create_room("go", 1, [&](Result<StoredRoom> r) { room = std::move(r); });
  if (!loop.await(room).ok()) ::_exit(3);
  int in_flight = 0;
  std::optional<bool> any;
  for (;;) {
    while (in_flight < 200) {
      ++in_flight;
      s.append({.room = "go", .from = "ann", .text = std::string(200, 'x')},
               [&](Result<StoredMessage> r) {
                 --in_flight;
                 if (!r.ok()) ::_exit(4);
                 const std::uint64_t id = r->id;
                 if (::write(out, &id, sizeof id) != sizeof id) ::_exit(5);
                 any = true;
               });
    }
    loop.await(any);
    any.reset();
  }
}

TEST_CASE("after kill -9 every acknowledged append is on disk, and ids have no hole") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    append_forever(path, fds[1]);
  }
  ::close(fds[1]);
  // Kill it in the middle of its stream, once a few batches were acknowledged.
  std::uint64_t acked = 0, id = 0;
  while (acked < 3000 && ::read(fds[0], &id, sizeof id) == sizeof id) acked = std::max(acked, id);
  ::kill(pid, SIGKILL);
  while (::read(fds[0], &id, sizeof id) == sizeof id) acked = std::max(acked, id);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(acked >= 3000);

  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(0);
  REQUIRE(snap.ok());
  REQUIRE(snap->rooms.size() == 1);
  const auto last = snap->rooms[0].last_id;
  CHECK(last >= acked);
  auto kept = sync<std::vector<StoredMessage>>(loop, [&](auto done) {
    s->since("go", 0, 1'000'000, done);
  });
  REQUIRE(kept.ok());
  // The counter and the rows were committed together: ids 1..last_id, each once.
  REQUIRE(kept->size() == last);
  for (std::size_t i = 0; i < kept->size(); ++i) CHECK((*kept)[i].id == i + 1);
  MESSAGE("acknowledged " << acked << ", on disk " << last);
}

}  // namespace
}  // namespace chatcore::store::test
