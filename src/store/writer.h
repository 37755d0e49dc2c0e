// Writer is the one thread that touches the SQLite connection. Writes queued meanwhile are
// committed together, one transaction per batch (group commit); completions are posted only
// after the commit, so "done" always means "on disk as far as the durability setting goes".
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/connection.h"
#include "store/store.h"

namespace chatcore::store {

// One unit of work. `run` does its statements and returns the completion to post on success
// (empty: nothing to post); `fail` is posted instead when run throws or the batch is lost.
struct Job {
  bool write = true;
  // A write's `run` may be called twice for one batch (see Writer::write_all), each time on
  // the same database state: it must read nothing but the database.
  // Nonzero: the replicated log's sequence number of the command this write applies. It is
  // recorded in the same transaction as the write's effect (refused or not), so a replica
  // never applies a command twice nor skips one across a crash.
  std::uint64_t log_seq = 0;
  std::function<std::function<void()>(Connection&)> run;
  std::function<void(Status)> fail;
};

class Writer {
 public:
  // A bound on one transaction, so that a burst does not hold every completion (and the WAL)
  // back until all of it is written: some 15 ms of appends at full speed.
  static constexpr std::size_t kMaxBatch = 1024;

  Writer(std::unique_ptr<SQLite::Database> db, Post post);
  ~Writer();  // stop()
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Any thread. False after stop(): the job was not taken and nothing will be posted for it.
  bool submit(Job job);
  // Runs what is queued, then joins the thread. Idempotent.
  void stop();

  // Transactions committed or rolled back so far, one per batch that held a write: how a
  // test sees that group commit batches without measuring time.
  std::uint64_t transactions() const { return transactions_.load(); }

 private:
  void loop();
  void run_batch(std::deque<Job>& batch);
  Status write_all(std::deque<Job>& batch, std::vector<std::function<void()>>& done);
  Status write_pass(std::deque<Job>& batch, std::vector<std::function<void()>>& done,
                    bool savepoints, bool& refused);

  Connection connection_;
  Post post_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::atomic<std::uint64_t> transactions_{0};
  std::thread thread_;
};

}  // namespace chatcore::store
