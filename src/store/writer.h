// Writer is the one thread that touches the SQLite connection. Writes queued meanwhile are
// committed together, one transaction per batch (group commit); completions are posted only
// after the commit, so "done" always means "on disk as far as the durability setting goes".
#pragma once

#include <SQLiteCpp/Database.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "store/store.h"

namespace chatcore::store {

// One unit of work. `run` does its statements and returns the completion to post on success;
// `fail` is posted instead when run throws or the batch's commit fails.
struct Job {
  bool write = true;
  std::function<std::function<void()>(SQLite::Database&)> run;
  std::function<void(Status)> fail;
};

class Writer {
 public:
  Writer(std::unique_ptr<SQLite::Database> db, Post post);
  ~Writer();  // stop()
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Any thread. After stop() the job's fail is posted with UNAVAILABLE.
  void submit(Job job);
  // Runs what is queued, then joins the thread. Idempotent.
  void stop();

 private:
  void loop();
  void run_batch(std::deque<Job>& batch);

  std::unique_ptr<SQLite::Database> db_;
  Post post_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace chatcore::store
