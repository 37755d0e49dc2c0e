// What the store tests share: a temp dir for real database files, and a stand-in for the loop
// thread that runs the completions a store posts and lets a test wait for one.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "store/sqlite_store.h"

namespace chatcore::store::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chatcore-store-XXXXXX");
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Completions queue here; only the test thread runs them, as only the loop would.
class FakeLoop {
 public:
  Post post() {
    return [this](std::function<void()> fn) {
      std::unique_lock lock(mutex_);
      ++posts_;
      ready_.notify_all();
      // A test may hold the store's thread right after its first batch.
      held_.wait(lock, [this] { return !hold_; });
      queue_.push_back(std::move(fn));
      ready_.notify_all();
    };
  }
  // Waits until the store has posted `n` times in all (a held post counts once it started).
  void wait_posts(int n) {
    std::unique_lock lock(mutex_);
    REQUIRE(ready_.wait_for(lock, std::chrono::seconds(10), [&] { return posts_ >= n; }));
  }
  void hold() { const std::lock_guard lock(mutex_); hold_ = true; }
  void release() {
    { const std::lock_guard lock(mutex_); hold_ = false; }
    held_.notify_all();
  }
  int posts() { const std::lock_guard lock(mutex_); return posts_; }

  // Runs completions until `slot` is filled; fails the test after 10 s.
  template <class T>
  T await(std::optional<T>& slot) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!slot) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        if (!ready_.wait_until(lock, until, [this] { return !queue_.empty(); })) {
          FAIL("no completion from the store within 10 s");
        }
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
  std::condition_variable held_;
  std::deque<std::function<void()>> queue_;
  bool hold_ = false;
  int posts_ = 0;
};

// Calls one store operation and waits for its result: sync(loop, [&](auto done) { ... }).
template <class T, class Op>
Result<T> sync(FakeLoop& loop, Op op) {
  std::optional<Result<T>> slot;
  op([&slot](Result<T> r) { slot = std::move(r); });
  return loop.await(slot);
}

// Stops the store's thread in its next post (after a warm-up write of its own), so that
// everything submitted until loop.release() queues into one batch. Returns the writer's
// transaction count at that point.
inline std::uint64_t hold_writer(FakeLoop& loop, SqliteStore& s) {
  const int before = loop.posts();
  loop.hold();
  s.create_room("warm-up", 1, [](Result<StoredRoom>) {});
  loop.wait_posts(before + 1);
  return s.transactions();
}

inline std::unique_ptr<SqliteStore> open_ok(const std::filesystem::path& db, FakeLoop& loop,
                                            Durability durability = Durability::normal) {
  auto opened = SqliteStore::open({.path = db, .durability = durability}, loop.post());
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  return std::move(*opened);
}

}  // namespace chatcore::store::test
