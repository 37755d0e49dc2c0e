// The hub on a real SQLite store, with the store's completions run only when the test says:
// what another request sees while a write of the hub is still being committed.
#include "model/hub.h"
#include "store/sqlite_store.h"

#include "fake_participant.h"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>

using namespace chatcore;
using chatcore::model::testing::FakeParticipant;
using chatcore::model::testing::HubFixture;

namespace {

// Stands in for the loop: the store posts here, and only the test thread runs what it posted.
class Completions {
 public:
  store::Post post() {
    return [this](std::function<void()> fn) {
      const std::lock_guard lock(mutex_);
      queue_.push_back(std::move(fn));
      ready_.notify_all();
    };
  }
  // Runs completions until `slot` is set; fails after 10 s.
  template <class T>
  T await(std::optional<T>& slot) {
    while (!slot) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        REQUIRE(ready_.wait_for(lock, std::chrono::seconds(10), [this] { return !queue_.empty(); }));
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
    return std::move(*slot);
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
};

struct OnStore : HubFixture {
  OnStore() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chatcore-hub-XXXXXX");
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
    auto opened = store::SqliteStore::open({.path = dir / "chatcore.db"}, completions.post());
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    db = std::move(*opened);
    auto snapshot = db->load(3);
    REQUIRE(snapshot.ok());
    hub.attach_store(db.get(), *snapshot);
  }
  ~OnStore() {
    db->close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  Completions completions;
  std::unique_ptr<store::SqliteStore> db;
};

}  // namespace

TEST_CASE_FIXTURE(OnStore, "a join of a room whose creation is still being committed waits for it") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  std::optional<Result<RoomInfo>> created, joined, again;
  hub.create_room(a, "general", [&](Result<RoomInfo> r) { created = std::move(r); });
  // Bob asks while alice's room is not yet committed: a second create is refused, but a
  // join is the answer to that, and must not find "no room".
  hub.create_room(b, "general", [&](Result<RoomInfo> r) { again = std::move(r); });
  hub.join_room(b, "general", [&](Result<RoomInfo> r) { joined = std::move(r); });
  CHECK(again.has_value());
  CHECK(again->status().code == Code::already_exists);
  CHECK_FALSE(joined.has_value());  // waits for the commit
  REQUIRE(completions.await(created).ok());
  const auto j = completions.await(joined);
  REQUIRE_MESSAGE(j.ok(), j.status().to_string());
  CHECK(j->name == "general");
  CHECK(j->members == 2);
  CHECK(pa.last<MemberJoined>().nickname == "bob");
}
