// One chatd per database: an advisory lock (flock) on a file beside it, held for as long as
// the store is open, so a second chatd on the same data dir stops at start with a clear
// message instead of interleaving its writes with the first one's.
#pragma once

#include <chatcore/status.h>

#include <filesystem>

namespace chatcore::store {

class DbLock {
 public:
  // Locks `database` + ".lock", writing this process's pid into it. FAILED_PRECONDITION
  // naming the holder's pid when another process has it. A lock file that cannot be created
  // (the directory is missing or read-only) gives an unlocked DbLock: the database open that
  // follows says why, in SQLite's words.
  static Result<DbLock> acquire(const std::filesystem::path& database);

  DbLock() = default;
  DbLock(DbLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DbLock& operator=(DbLock&& other) noexcept;
  DbLock(const DbLock&) = delete;
  DbLock& operator=(const DbLock&) = delete;
  ~DbLock();

 private:
  explicit DbLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace chatcore::store
