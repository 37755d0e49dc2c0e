#include "client/part_file.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <system_error>

#include "util/hex.h"

namespace chatcore::client {

std::string errno_text(int err) { return std::generic_category().message(err); }

Result<std::unique_ptr<PartFile>> PartFile::create(const std::filesystem::path& dest) {
  std::filesystem::path dir = dest.parent_path();
  if (dir.empty()) dir = ".";
  const auto suffix = util::random_hex(8);
  if (!suffix) return Status(Code::internal, "no randomness for a temporary file name");
  std::unique_ptr<PartFile> part(
      new PartFile(dir / fmt::format(".{}.{}.part", dest.filename().string(), *suffix)));
  if (!part->writer_.open(part->path_, 0644).ok()) {
    const int err = part->writer_.error();
    const Code code = err == ENOENT ? Code::not_found : Code::invalid_argument;
    return Status(code, fmt::format("cannot write into {}: {}", dir.string(), errno_text(err)));
  }
  part->open_ = true;
  return part;
}

PartFile::~PartFile() {
  if (open_) writer_.close();
  if (!committed_) ::unlink(path_.c_str());
}

Status PartFile::write_error(int err) const {
  return Status(Code::internal,
                fmt::format("cannot write {}: {}", path_.string(), errno_text(err)));
}

Status PartFile::write(std::string_view data) {
  if (!writer_.write(data).ok()) return write_error(writer_.error());
  return {};
}

Result<std::string> PartFile::finish() {
  const bool synced = writer_.sync().ok();
  open_ = false;
  auto sha = writer_.close();
  if (!synced || !sha.ok()) return write_error(writer_.error());
  return sha;
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
