// The write-ahead log is copied back by the checkpointer's thread, so no commit waits for a
// checkpoint; what was written is all there afterwards.
#include <doctest/doctest.h>

#include <filesystem>

#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

Result<StoredMessage> append_one(FakeLoop& loop, SqliteStore& s, int i) {
  return sync<StoredMessage>(loop, [&](auto done) {
    s.append({.room = "go", .from = "ann", .text = std::string(200, 'a' + i % 26)}, done);
  });
}

TEST_CASE("the checkpointer's thread copies the log back, and nothing is lost") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  constexpr int kPages = 8;
  constexpr int kMessages = 1500;
  {
    FakeLoop loop;
    auto opened = SqliteStore::open({.path = path, .checkpoint_pages = kPages}, loop.post());
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    auto& s = **opened;
    REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s.create_room("go", 1, done); }).ok());
    // One transaction each, as paced messages are: every commit adds frames to the log.
    for (int i = 0; i < kMessages; ++i) REQUIRE(append_one(loop, s, i).ok());
    // SQLite's own automatic checkpoint, inside a commit, would not have run before the log
    // held 1000 frames; none of it runs on the checkpointer's thread.
    CHECK(s.checkpointer().wait_checkpoints(1, std::chrono::seconds(20)));
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto all = sync<std::vector<StoredMessage>>(
      loop, [&](auto done) { s->since("go", 0, kMessages + 10, done); });
  REQUIRE(all.ok());
  CHECK(all->size() == kMessages);
  CHECK(all->back().id == kMessages);
}

}  // namespace
}  // namespace chatcore::store::test
