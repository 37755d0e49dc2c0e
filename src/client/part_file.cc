#include "client/part_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <stdio.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <system_error>

#include "util/hex.h"

namespace chatcore::client {

std::string errno_text(int err) { return std::generic_category().message(err); }

Status PartFile::open_error(int err) const {
  std::filesystem::path dir = path_.parent_path();
  const Code code = err == ENOENT ? Code::not_found : Code::invalid_argument;
  return Status(code, fmt::format("cannot write into {}: {}", dir.string(), errno_text(err)));
}

Result<std::unique_ptr<PartFile>> PartFile::create(const std::filesystem::path& dest) {
  std::filesystem::path dir = dest.parent_path();
  if (dir.empty()) dir = ".";
  const auto suffix = util::random_hex(8);
  if (!suffix) return Status(Code::internal, "no randomness for a temporary file name");
  std::unique_ptr<PartFile> part(
      new PartFile(dir / fmt::format(".{}.{}.part", dest.filename().string(), *suffix)));
  if (!part->writer_.open(part->path_, 0644).ok()) {
    const int err = part->writer_.error();
    part->committed_ = true;  // nothing of ours to remove
    return part->open_error(err);
  }
  part->open_ = true;
  return part;
}

std::filesystem::path PartFile::resumable_path(const std::filesystem::path& dest,
                                               const std::string& key) {
  std::filesystem::path dir = dest.parent_path();
  if (dir.empty()) dir = ".";
  // The key is the server's file id; only its plain characters make the name.
  std::string safe;
  for (char c : key) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_') safe += c;
  }
  return dir / fmt::format(".{}.{}.part", dest.filename().string(), safe.substr(0, 64));
}

Result<std::unique_ptr<PartFile>> PartFile::resume(const std::filesystem::path& dest,
                                                   const std::string& key) {
  std::unique_ptr<PartFile> part(new PartFile(resumable_path(dest, key)));
  part->kept_ = true;  // until it is open and locked, nothing here is ours to remove
  part->lock_fd_ = ::open(part->path_.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
  if (part->lock_fd_ < 0) return part->open_error(errno);
  if (::flock(part->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return Status(Code::failed_precondition,
                  fmt::format("{} is being downloaded by another client", dest.string()));
  }
  part->kept_ = false;
  util::FileReader held;
  if (!held.open(part->path_).ok()) return part->open_error(held.error());
  std::string block(1 << 20, '\0');
  for (;;) {
    auto n = held.read_into(block.data(), block.size());
    if (!n.ok()) return part->write_error(held.error());
    if (*n == 0) break;
    part->sha_.update(std::string_view(block.data(), *n));
    part->size_ += *n;
  }
  if (!part->writer_.open_at(part->path_, part->size_, 0644).ok()) {
    return part->open_error(part->writer_.error());
  }
  part->open_ = true;
  return part;
}

PartFile::~PartFile() {
  if (open_) writer_.close();
  if (!committed_ && !kept_) ::unlink(path_.c_str());
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

Status PartFile::write_error(int err) const {
  return Status(Code::internal,
                fmt::format("cannot write {}: {}", path_.string(), errno_text(err)));
}

Status PartFile::write(std::string_view data) {
  if (!writer_.write_unhashed(data).ok()) return write_error(writer_.error());
  sha_.update(data);
  size_ += data.size();
  return {};
}

Result<std::string> PartFile::finish() {
  const bool synced = writer_.sync().ok();
  open_ = false;
  auto closed = writer_.close();
  if (!synced || !closed.ok()) return write_error(writer_.error());
  return sha_.hex();
}

Status PartFile::commit(const std::filesystem::path& dest, bool overwrite) {
  int rc = overwrite ? -1 : ::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, dest.c_str(),
                                        RENAME_NOREPLACE);
  // Filesystems without RENAME_NOREPLACE say EINVAL; the check before the transfer stands.
  if (overwrite || (rc != 0 && (errno == EINVAL || errno == ENOSYS))) {
    rc = ::rename(path_.c_str(), dest.c_str());
  }
  if (rc != 0) {
    const int err = errno;
    if (err == EEXIST) {
      return Status(Code::already_exists,
                    fmt::format("{} exists; pass overwrite to replace it", dest.string()));
    }
    return Status(Code::internal,
                  fmt::format("cannot rename to {}: {}", dest.string(), errno_text(err)));
  }
  committed_ = true;
  return {};
}

}  // namespace chatcore::client
