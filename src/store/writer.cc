#include "store/writer.h"

#include <SQLiteCpp/Exception.h>

#include <fmt/format.h>
#include <sqlite3.h>

#include <utility>
#include <vector>

#include "util/log.h"

namespace chatcore::store {

namespace {
Status failure(const SQLite::Exception& e) {
  // SQLITE_FULL and SQLITE_IOERR are the disk's fault, not the request's.
  const int code = e.getErrorCode() & 0xff;
  const Code grpc_code = (code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY ||
                          code == SQLITE_CANTOPEN || code == SQLITE_BUSY)
                             ? Code::unavailable
                             : Code::internal;
  return Status(grpc_code, fmt::format("the store could not save this: {}", e.what()));
}
}  // namespace

Writer::Writer(std::unique_ptr<SQLite::Database> db, Post post)
    : db_(std::move(db)), post_(std::move(post)), thread_([this] { loop(); }) {}

Writer::~Writer() { stop(); }

void Writer::submit(Job job) {
  {
    const std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      wake_.notify_one();
      return;
    }
  }
  post_([fail = std::move(job.fail)] { fail(Status(Code::unavailable, "the store is closed")); });
}

void Writer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Writer::loop() {
  for (;;) {
    std::deque<Job> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      batch.swap(queue_);
    }
    run_batch(batch);
  }
}

void Writer::run_batch(std::deque<Job>& batch) {
  std::vector<std::function<void()>> done;
  done.reserve(batch.size());
  std::vector<Job*> reads;
  Status lost;  // set when SQLite rolled the whole transaction back (disk full, I/O error)
  bool open = false;
  try {
    db_->exec("BEGIN IMMEDIATE");
    open = true;
  } catch (const SQLite::Exception& e) {
    log::error("store: cannot begin a transaction: {}", e.what());
  }
  for (auto& job : batch) {
    if (!job.write) {
      reads.push_back(&job);
      continue;
    }
    if (!open || !lost.ok()) continue;
    // A savepoint per job: one bad request is undone alone and the batch goes on.
    try {
      db_->exec("SAVEPOINT job");
      done.push_back(job.run(*db_));
      db_->exec("RELEASE job");
    } catch (const SQLite::Exception& e) {
      if (sqlite3_get_autocommit(db_->getHandle()) != 0) {
        // SQLite rolled the whole transaction back: the jobs before this one are undone too.
        lost = failure(e);
        continue;
      }
      done.push_back([fail = job.fail, s = failure(e)] { fail(s); });
      try {
        db_->exec("ROLLBACK TO job");
        db_->exec("RELEASE job");
      } catch (const SQLite::Exception& undo) {
        lost = failure(undo);
      }
    }
  }
  if (open && lost.ok()) {
    try {
      db_->exec("COMMIT");
    } catch (const SQLite::Exception& e) {
      lost = failure(e);
      try {
        if (sqlite3_get_autocommit(db_->getHandle()) == 0) db_->exec("ROLLBACK");
      } catch (const SQLite::Exception& undo) {
        log::error("store: rollback failed: {}", undo.what());
      }
    }
  }
  if (!open) lost = Status(Code::unavailable, "the store could not begin a transaction");
  if (!lost.ok()) {
    // Nothing of this batch is on disk: every write in it is told so, none is half-saved.
    log::error("store: a batch of writes failed, none of it saved: {}", lost.message);
    done.clear();
    for (auto& job : batch) {
      if (job.write) done.push_back([fail = job.fail, lost] { fail(lost); });
    }
  }
  // Reads run after the commit, so they see every write queued before them.
  for (Job* job : reads) {
    try {
      done.push_back(job->run(*db_));
    } catch (const SQLite::Exception& e) {
      done.push_back([fail = job->fail, s = failure(e)] { fail(s); });
    }
  }
  // One wake-up of the loop per batch, however many completions it carries.
  post_([done = std::move(done)] {
    for (const auto& fn : done) fn();
  });
}

}  // namespace chatcore::store
