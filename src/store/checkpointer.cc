#include "store/checkpointer.h"

#include "util/log.h"

namespace chatcore::store {

Checkpointer::Checkpointer(const std::filesystem::path& path, bool full_sync, sqlite3* writer,
                           int pages)
    : pages_(pages),
      db_(std::make_unique<SQLite::Database>(path.string(),
                                             SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX)) {
  // A checkpoint syncs the database file as its connection's synchronous setting says.
  db_->exec(full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  // The writer's commit holds the write lock only briefly; a checkpoint waits for none.
  db_->setBusyTimeout(0);
  sqlite3_wal_hook(writer, &Checkpointer::on_commit, this);
  thread_ = std::thread([this] { loop(); });
}

Checkpointer::~Checkpointer() { stop(); }

void Checkpointer::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

bool Checkpointer::wait_checkpoints(std::uint64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return done_.wait_for(lock, timeout, [&] { return checkpoints_.load() >= n; });
}

int Checkpointer::on_commit(void* self, sqlite3* db, const char* name, int frames) {
  auto& c = *static_cast<Checkpointer*>(self);
  if (frames >= c.pages_ * kWriterFactor) {
    // The thread fell far behind (or a reader pinned the log): bound the log as SQLite's own
    // automatic checkpoint would, in this commit.
    int log = 0;
    int copied = 0;
    if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) ==
            SQLITE_OK &&
        copied > 0) {
      c.writer_checkpoints_.fetch_add(1);
    }
    return SQLITE_OK;
  }
  if (frames >= c.pages_) {
    {
      const std::lock_guard lock(c.mutex_);
      if (c.asked_) return SQLITE_OK;
      c.asked_ = true;
    }
    c.wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::loop() {
  bool reported = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || asked_; });
      if (!asked_) return;  // stopping, nothing asked
    }
    // PASSIVE: copies what no reader still needs and never blocks the writer, which goes on
    // appending meanwhile; its next transaction starts the log over once all is copied.
    int log = 0;
    int copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(db_->getHandle(), "main", SQLITE_CHECKPOINT_PASSIVE, &log,
                                  &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && !reported) {
      // The writer's fallback keeps the log bounded; say once that this thread cannot help.
      log::warn("store: background checkpoint failed: {}", sqlite3_errstr(rc));
      reported = true;
    }
    {
      const std::lock_guard lock(mutex_);
      asked_ = false;
      if (rc == SQLITE_OK && copied > 0) checkpoints_.fetch_add(1);
    }
    done_.notify_all();
  }
}

}  // namespace chatcore::store
