#include "store/writer.h"

#include <SQLiteCpp/Exception.h>

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "store/log_position.h"
#include "store/sql.h"
#include "util/log.h"

namespace chatcore::store {

namespace {
// Errors that are the database's or the disk's, not one request's: the whole transaction is
// given up, since SQLite may already have rolled it back or left it unsafe to go on.
bool batch_fatal(int code) {
  switch (code & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
      return true;
    default:
      return false;
  }
}

Status failure(const SQLite::Exception& e) {
  const int code = e.getErrorCode() & 0xff;
  if (code == SQLITE_FULL) {
    return Status(Code::resource_exhausted,
                  "the store is full (no space left for the database): not saved");
  }
  if (batch_fatal(code)) {
    return Status(Code::unavailable, fmt::format("the store could not save this: {}", e.what()));
  }
  if (code == SQLITE_CONSTRAINT) {
    return Status(Code::failed_precondition, fmt::format("the store refused this: {}", e.what()));
  }
  return Status(Code::internal, fmt::format("the store failed: {}", e.what()));
}

Status out_of_order(std::uint64_t seq, std::uint64_t applied) {
  return Status(Code::aborted, fmt::format("log command {} is out of order: the replica has "
                                           "applied up to {}",
                                           seq, applied));
}
}  // namespace

Writer::Writer(std::unique_ptr<SQLite::Database> db, Post post)
    : connection_(std::move(db)), post_(std::move(post)), thread_([this] { loop(); }) {}

Writer::~Writer() { stop(); }

bool Writer::submit(Job job) {
  const std::lock_guard lock(mutex_);
  if (stopping_) return false;
  queue_.push_back(std::move(job));
  wake_.notify_one();
  return true;
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
      // A batch is writes, then reads, and ends before the first write queued after one of
      // its reads: the reads run after the commit, and must see every write queued before
      // them but none queued after (a resume's replay read that saw a later message would
      // have that message arrive a second time, live, once its own completion runs).
      std::size_t take = 0;
      bool reading = false;
      while (take < queue_.size() && take < kMaxBatch) {
        const bool write = queue_[take].write;
        if (write && reading) break;
        reading = reading || !write;
        ++take;
      }
      const auto end = queue_.begin() + static_cast<std::ptrdiff_t>(take);
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
    }
    run_batch(batch);
  }
}

// Runs the batch's writes in one transaction, filling done[i] for write i. Returns what lost
// the whole batch, if anything did; the transaction is then rolled back.
//
// The first pass runs the writes without savepoints: a write the database refuses (throws)
// is rare, a body's own refusal is a result and needs none, and a SAVEPOINT with its RELEASE
// cost about 8 % of a replica's instructions per command. When one throws, that pass is
// rolled back whole and the batch runs again with a savepoint per write, so the refused one
// is undone alone. A job reads nothing but the database, so both passes give the same answers.
Status Writer::write_all(std::deque<Job>& batch, std::vector<std::function<void()>>& done) {
  bool refused = false;
  Status lost = write_pass(batch, done, false, refused);
  if (!refused || !lost.ok()) return lost;
  std::fill(done.begin(), done.end(), nullptr);
  bool again = false;  // stays false: with savepoints a refusal is the job's own answer
  return write_pass(batch, done, true, again);
}

Status Writer::write_pass(std::deque<Job>& batch, std::vector<std::function<void()>>& done,
                          bool savepoints, bool& refused) {
  try {
    connection_.exec(sql::kBegin);
  } catch (const SQLite::Exception& e) {
    return failure(e);
  }
  if (!savepoints) transactions_.fetch_add(1);  // one per batch, however many passes
  Status lost;
  // The log's applied position is read once per batch and written once, before the commit:
  // it is in the same transaction as every command's effect either way, and a batch is
  // committed or rolled back whole. Read lazily, so a batch without log commands pays none.
  std::uint64_t applied = 0;
  bool applied_read = false;
  bool applied_moved = false;
  for (std::size_t i = 0; i < batch.size() && lost.ok() && !refused; ++i) {
    Job& job = batch[i];
    if (!job.write) continue;
    if (job.log_seq != 0 && !applied_read) {
      try {
        applied = read_applied(connection_);
        applied_read = true;
      } catch (const SQLite::Exception& e) {
        lost = failure(e);
        break;
      }
    }
    try {
      // A log command is applied only right after the one before it: after a lost batch,
      // the commands that followed it must not commit past the hole it left.
      if (job.log_seq != 0 && applied + 1 != job.log_seq) {
        done[i] = [fail = job.fail, s = out_of_order(job.log_seq, applied)] { fail(s); };
        continue;
      }
      if (savepoints) connection_.exec(sql::kSavepoint);
      done[i] = job.run(connection_);
      if (savepoints) connection_.exec(sql::kRelease);
    } catch (const SQLite::Exception& e) {
      if (batch_fatal(e.getErrorCode()) || sqlite3_get_autocommit(connection_.db().getHandle())) {
        lost = failure(e);
        break;
      }
      if (!savepoints) {
        refused = true;  // the whole pass is undone below; the next one has savepoints
        break;
      }
      done[i] = [fail = job.fail, s = failure(e)] { fail(s); };
      try {
        connection_.exec(sql::kRollbackTo);
        connection_.exec(sql::kRelease);
      } catch (const SQLite::Exception& undo) {
        lost = failure(undo);
      }
    }
    // Applied, or refused with its savepoint undone: either way the command's answer is
    // final and the position moves past it.
    if (lost.ok() && job.log_seq != 0) {
      applied = job.log_seq;
      applied_moved = true;
    }
  }
  if (lost.ok() && !refused) {
    try {
      if (applied_moved) mark_applied(connection_, applied);
      connection_.exec(sql::kCommit);
      return {};
    } catch (const SQLite::Exception& e) {
      lost = failure(e);
    }
  }
  try {
    if (sqlite3_get_autocommit(connection_.db().getHandle()) == 0) connection_.exec(sql::kRollback);
  } catch (const SQLite::Exception& undo) {
    log::error("store: rollback failed: {}", undo.what());
    if (lost.ok()) lost = failure(undo);
  }
  return lost;
}

void Writer::run_batch(std::deque<Job>& batch) {
  // Completions by position, so they run in submission order whatever ran first.
  std::vector<std::function<void()>> done(batch.size());
  bool writes = false;
  for (const auto& job : batch) writes = writes || job.write;
  if (writes) {
    if (Status lost = write_all(batch, done); !lost.ok()) {
      // Nothing of this batch is on disk: every write in it is told so, none is half-saved.
      log::error("store: a batch of writes failed, none of it saved: {}", lost.message);
      for (std::size_t i = 0; i < batch.size(); ++i) {
        if (batch[i].write) done[i] = [fail = batch[i].fail, lost] { fail(lost); };
      }
    }
  }
  // Reads run after the commit; the batch holds no write queued after them (see loop()).
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].write) continue;
    try {
      done[i] = batch[i].run(connection_);
    } catch (const SQLite::Exception& e) {
      done[i] = [fail = batch[i].fail, s = failure(e)] { fail(s); };
    }
  }
  std::erase_if(done, [](const auto& fn) { return !fn; });
  if (done.empty()) return;
  // One wake-up of the loop per batch, however many completions it carries.
  post_([done = std::move(done)] {
    for (const auto& fn : done) fn();
  });
}

}  // namespace chatcore::store
