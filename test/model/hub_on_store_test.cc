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

namespace {

constexpr std::string_view kSha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// alice and bob, each with an identity the store has committed.
struct TwoIdentities : OnStore {
  TwoIdentities() {
    for (const auto& [nick, hash] : {std::pair{"alice", "hash-a"}, std::pair{"bob", "hash-b"}}) {
      std::optional<Result<bool>> registered;
      hub.register_identity(nick, hash, [&](Result<bool> r) { registered = std::move(r); });
      REQUIRE(completions.await(registered).ok());
    }
    a = sign_in("alice", "hash-a", pa);
    b = sign_in("bob", "hash-b", pb);
    // Their replays (read from the store) hold live events back until they are caught up.
    for (int round = 0; round < 100 && (pa.count<CaughtUp>() == 0 || pb.count<CaughtUp>() == 0);
         ++round) {
      std::optional<bool> fence;
      db->rooms([&](Result<std::vector<store::StoredRoom>>) { fence = true; });
      completions.await(fence);
    }
    REQUIRE(pa.count<CaughtUp>() == 1);
    REQUIRE(pb.count<CaughtUp>() == 1);
  }
  model::SessionId a = 0;
  model::SessionId b = 0;
};

}  // namespace

TEST_CASE_FIXTURE(TwoIdentities, "a file is announced and answered only once its record is committed") {
  const auto target = hub.check_upload(a, "report.txt", 12, "", "bob");
  REQUIRE(target.ok());
  const auto id = hub.new_file_id();
  std::optional<Result<FileInfo>> published;
  hub.publish_file(a, *target, id, 12, kSha, [&](Result<FileInfo> r) { published = std::move(r); });
  CHECK_FALSE(published.has_value());
  CHECK(pb.count<FileNotice>() == 0);
  CHECK(hub.list_files(b).empty());
  const auto info = completions.await(published);
  REQUIRE_MESSAGE(info.ok(), info.status().to_string());
  CHECK(pb.last<FileNotice>().file.id == id);
  CHECK(pa.last<FileNotice>().file.id == id);
  REQUIRE(hub.list_files(b).size() == 1);
  CHECK(hub.authorize_download(b, id).ok());
}

TEST_CASE_FIXTURE(TwoIdentities, "a file whose record the store refuses is neither announced nor listed") {
  const auto id = hub.new_file_id();
  {
    // The id is taken in the store behind the hub's back, so its commit fails.
    std::optional<Result<bool>> put;
    db->put_file(store::StoredFile{.id = id, .name = "other", .size = 1, .sha256 = std::string(kSha),
                                   .sender = "alice", .sender_identity = 0, .room = {},
                                   .recipient = "bob", .sent_ms = 0, .allowed = {}},
                 [&](Result<bool> r) { put = std::move(r); });
    REQUIRE(completions.await(put).ok());
  }
  const auto target = hub.check_upload(a, "report.txt", 12, "", "bob");
  REQUIRE(target.ok());
  std::optional<Result<FileInfo>> published;
  hub.publish_file(a, *target, id, 12, kSha, [&](Result<FileInfo> r) { published = std::move(r); });
  CHECK(completions.await(published).status().code == Code::already_exists);
  CHECK(pa.count<FileNotice>() == 0);
  CHECK(pb.count<FileNotice>() == 0);
  CHECK_FALSE(hub.has_file(id));
  CHECK(hub.list_files(a).empty());
  CHECK(hub.list_files(b).empty());
}
