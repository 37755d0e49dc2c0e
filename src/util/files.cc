#include "util/files.h"

#include "util/hex.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

namespace chatcore::util {
namespace {
// A file being written has its writeback started every this many bytes, so that the flush
// before it is acknowledged waits for the last stretch only, not for the whole file's dirty
// pages at once (RocksDB's bytes_per_sync, PostgreSQL's backend_flush_after).
constexpr std::uint64_t kWritebackBytes = 4u << 20;

Status io_error(std::string_view what, const std::filesystem::path& path) {
  return Status(Code::internal, fmt::format("{} {}: {}", what, path.filename().string(),
                                            std::strerror(errno)));
}
}  // namespace

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}

std::string Sha256::hex() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, digest, &len);
  return to_hex(std::span<const unsigned char>(digest, len));
}

FileWriter::~FileWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileWriter::open(const std::filesystem::path& path, unsigned mode) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd_ < 0) {
    error_ = errno;
    return io_error("cannot create", path);
  }
  return {};
}

Status FileWriter::open_unnamed(const std::filesystem::path& dir,
                                const std::filesystem::path& fallback, unsigned mode) {
  fd_ = ::open(dir.c_str(), O_WRONLY | O_TMPFILE | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd_ >= 0) return {};
  if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
    error_ = errno;
    return io_error("cannot create a file in", dir);
  }
  named_ = fallback;
  return open(fallback, mode);
}

Status FileWriter::open_at(const std::filesystem::path& path, std::uint64_t offset,
                           unsigned mode) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd_ < 0) {
    error_ = errno;
    return io_error("cannot open", path);
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && static_cast<std::uint64_t>(st.st_size) < offset) {
    // Cutting would pad it with zeros: what was kept is gone.
    return Status(Code::data_loss, "the server no longer holds that part of the upload");
  }
  if (::ftruncate(fd_, static_cast<off_t>(offset)) != 0 ||
      ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) != static_cast<off_t>(offset)) {
    error_ = errno;
    return io_error("cannot continue", path);
  }
  named_ = path;
  written_ = offset;
  writeback_from_ = offset;
  return {};
}

Status FileWriter::link_as(const std::filesystem::path& path) {
  auto failed = [this](int err) {
    error_ = err;
    return Status(Code::internal, fmt::format("cannot store the file: {}", std::strerror(err)));
  };
  // The data must be on disk before the file gets its name and is acknowledged; otherwise a
  // power cut can leave an acknowledged upload empty.
  if (::fdatasync(fd_) != 0) return failed(errno);
  if (!named_.empty()) {
    if (::rename(named_.c_str(), path.c_str()) != 0) return failed(errno);
    named_ = path;
    return {};
  }
  // An O_TMPFILE file is linked through its /proc entry; AT_EMPTY_PATH would need a
  // capability.
  const std::string self = fmt::format("/proc/self/fd/{}", fd_);
  if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) != 0) {
    return failed(errno);
  }
  named_ = path;
  return {};
}

Status FileWriter::write(std::string_view data) {
  sha_.update(data);
  return write_unhashed(data);
}

Status FileWriter::write_unhashed(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      return Status(errno == ENOSPC || errno == EDQUOT ? Code::resource_exhausted : Code::internal,
                    fmt::format("cannot store the file: {}", std::strerror(errno)));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    written_ += static_cast<std::uint64_t>(n);
  }
  if (written_ - writeback_from_ >= kWritebackBytes) {
    // Starts the writeback and returns; failure is harmless (the final flush still syncs).
    ::sync_file_range(fd_, static_cast<off_t>(writeback_from_),
                      static_cast<off_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written_;
  }
  return {};
}

Status FileWriter::sync() {
  if (::fsync(fd_) == 0) return {};
  error_ = errno;
  return Status(Code::internal, fmt::format("cannot store the file: {}", std::strerror(errno)));
}

Result<std::string> FileWriter::close() {
  const int fd = fd_;
  fd_ = -1;
  // The data must be on disk before the file is renamed into place and acknowledged;
  // otherwise a power cut can leave an acknowledged upload empty.
  if (::fdatasync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    return Status(Code::internal, fmt::format("cannot store the file: {}", std::strerror(err)));
  }
  if (::close(fd) != 0) {
    error_ = errno;
    return Status(Code::internal, fmt::format("cannot store the file: {}", std::strerror(errno)));
  }
  return sha_.hex();
}

Status sync_dir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open", dir);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    return Status(Code::internal,
                  fmt::format("cannot sync {}: {}", dir.string(), std::strerror(err)));
  }
  return {};
}

FileReader::~FileReader() {
  if (fd_ >= 0) ::close(fd_);
}

Status FileReader::open(const std::filesystem::path& path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error_ = errno;
    return io_error("cannot open", path);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    error_ = errno;
    return io_error("cannot stat", path);
  }
  size_ = static_cast<std::uint64_t>(st.st_size);
  regular_ = S_ISREG(st.st_mode);
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  return {};
}

Result<std::string> FileReader::read(std::size_t max) {
  std::string buffer(max, '\0');
  auto got = read_into(buffer.data(), max);
  if (!got.ok()) return got.status();
  buffer.resize(*got);
  return buffer;
}

Result<std::size_t> FileReader::read_into(char* out, std::size_t size) {
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = ::read(fd_, out + got, size - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      error_ = errno;
      return Status(Code::internal, fmt::format("cannot read the file: {}", std::strerror(errno)));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

Status FileReader::seek(std::uint64_t offset) {
  if (::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) == static_cast<off_t>(offset)) return {};
  error_ = errno;
  return Status(Code::internal, fmt::format("cannot read the file: {}", std::strerror(errno)));
}

std::uint64_t disk_reserve(std::uint64_t total) {
  return std::min<std::uint64_t>(64ull << 20, total / 20);
}

Status check_space(std::uint64_t free_bytes, std::uint64_t total, std::uint64_t needed,
                   std::uint64_t reserved) {
  const std::uint64_t keep = disk_reserve(total);
  if (free_bytes >= keep && free_bytes - keep >= reserved &&
      free_bytes - keep - reserved >= needed) {
    return {};
  }
  const std::string held =
      reserved == 0 ? std::string()
                    : fmt::format(", {} held by other uploads in progress", human_bytes(reserved));
  return Status(Code::resource_exhausted,
                fmt::format("not enough disk space on the server: {} free ({} kept free{}); "
                            "the file needs {}",
                            human_bytes(free_bytes), human_bytes(keep), held,
                            human_bytes(needed)));
}

Status check_free_space(const std::filesystem::path& dir, std::uint64_t needed,
                        std::uint64_t reserved) {
  struct statvfs fs {};
  if (::statvfs(dir.c_str(), &fs) != 0) return {};  // cannot tell: let the writes decide
  const std::uint64_t free_bytes = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  const std::uint64_t total = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
  return check_space(free_bytes, total, needed, reserved);
}

Result<std::string> read_small_file(const std::filesystem::path& path) {
  FileReader reader;
  if (auto status = reader.open(path); !status.ok()) {
    return Status(Code::failed_precondition,
                  fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  if (reader.size() > (1u << 20)) {
    return Status(Code::failed_precondition, fmt::format("{} is too large", path.string()));
  }
  return reader.read(static_cast<std::size_t>(reader.size()));
}

void remove_quietly(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

std::string human_bytes(std::uint64_t bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", value, units[unit]);
}

}  // namespace chatcore::util
