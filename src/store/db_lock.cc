#include "store/db_lock.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "util/escape.h"

namespace chatcore::store {

Result<DbLock> DbLock::acquire(const std::filesystem::path& database) {
  const std::string file = database.string() + ".lock";
  const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    // Not there or not writable: the database open that follows says why, in its words.
    if (errno == EROFS || errno == EACCES || errno == ENOENT || errno == ENOTDIR) return DbLock{};
    return Status(Code::failed_precondition,
                  fmt::format("cannot lock the store {}: {}", util::escape(file), std::strerror(errno)));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    char buf[32] = {};
    const auto n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) {
      return Status(Code::failed_precondition,
                    fmt::format("cannot lock the store {}: {}", util::escape(file), std::strerror(err)));
    }
    std::string holder = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return Status(Code::failed_precondition,
                  fmt::format("the store {} is in use by another chatd{}: one data dir serves "
                              "one chatd",
                              util::escape(database.string()),
                              holder.empty() ? "" : " (pid " + util::escape(holder) + ")"));
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
  return DbLock{fd};
}

DbLock& DbLock::operator=(DbLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

DbLock::~DbLock() {
  // Closing the descriptor releases the lock; the file stays, for the next start.
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace chatcore::store
