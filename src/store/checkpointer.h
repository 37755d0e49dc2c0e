// Checkpointer copies the write-ahead log back into the database on a thread and a connection
// of its own, so that no commit of the writer waits for a checkpoint and its fsync.
#pragma once

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace chatcore::store {

// SQLite's automatic checkpoint runs inside the commit that takes the log past its threshold:
// with synchronous=NORMAL that commit also waits for the fdatasync of the WAL and of the
// database file, and every message queued behind it waits too (5 to 11 ms measured here,
// once per some 4 MB of log). This one replaces it: the writer's commits only signal it.
class Checkpointer {
 public:
  // SQLite's own default threshold, in WAL frames (pages).
  static constexpr int kPages = 1000;
  // A log this much past the threshold is checkpointed by the writer itself, as SQLite
  // would, so that a thread whose checkpoints fail does not let it grow without end. While
  // this thread is in a checkpoint (a slow fsync) the writer's attempt is simply busy: the
  // log grows meanwhile, and the writer's commits go on.
  static constexpr int kWriterFactor = 16;

  // Opens a second connection to the database at `path` with the writer's synchronous
  // setting and takes over the writer connection's WAL hook (which turns SQLite's automatic
  // checkpoint off for it). `writer` must outlive the last commit it makes; this object must
  // outlive `writer`'s last commit too.
  Checkpointer(const std::filesystem::path& path, bool full_sync, sqlite3* writer,
               int pages = kPages);
  ~Checkpointer();  // stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Runs a checkpoint already asked for, then joins the thread. Idempotent.
  void stop();

  // Checkpoints this thread ran that copied pages, and those the writer had to run itself:
  // how a test sees who checkpoints without timing anything.
  std::uint64_t checkpoints() const { return checkpoints_.load(); }
  std::uint64_t writer_checkpoints() const { return writer_checkpoints_.load(); }
  // Blocks until checkpoints() >= n or `timeout` passes; returns whether it got there.
  bool wait_checkpoints(std::uint64_t n, std::chrono::milliseconds timeout);

 private:
  // SQLite calls it on the writer's thread after each commit, with the log's size in frames.
  static int on_commit(void* self, sqlite3* db, const char* name, int frames);
  void loop();

  const int pages_;
  std::unique_ptr<SQLite::Database> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  bool asked_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> checkpoints_{0};
  std::atomic<std::uint64_t> writer_checkpoints_{0};
  std::thread thread_;
};

}  // namespace chatcore::store
