// Client::upload and Client::download: files stream in the server's chunk size, and both ends
// check the sha256, so a transfer either arrives whole or leaves nothing behind.
#include <chatcore/client.h>

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "client/client_impl.h"
#include "util/files.h"

namespace chatcore {
namespace {

constexpr std::size_t kHashBlock = 1 << 20;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int reset() {
    const int rc = fd_ >= 0 ? ::close(fd_) : 0;
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string errno_text(int err) { return std::generic_category().message(err); }

// Reads until `size` bytes or end of file; -1 on error.
ssize_t read_full(int fd, char* data, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, data + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

bool write_full(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// "1.5 GiB (1610612736 bytes)": the exact count too, since a limit is usually set in bytes.
std::string human_size(std::uint64_t bytes) {
  if (bytes < 1024) return util::human_bytes(bytes);
  return fmt::format("{} ({} bytes)", util::human_bytes(bytes), bytes);
}

Status open_error(const std::filesystem::path& path, int err) {
  const Code code = err == ENOENT ? Code::not_found : Code::invalid_argument;
  return Status(code, fmt::format("cannot read {}: {}", path.string(), errno_text(err)));
}

// The temporary file a download writes to; removed unless commit() moved it into place.
class PartFile {
 public:
  PartFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PartFile() {
    fd_.reset();
    if (!committed_) ::unlink(path_.c_str());
  }
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;
  int fd() const { return fd_.get(); }
  const std::filesystem::path& path() const { return path_; }

  // Flushes and renames onto dest. Without `overwrite`, an existing dest is never replaced,
  // even one that appeared during the transfer.
  Status commit(const std::filesystem::path& dest, bool overwrite) {
    if (::fsync(fd_.get()) != 0 || fd_.reset() != 0) {
      return Status(Code::internal, fmt::format("cannot write {}: {}", path_.string(),
                                                errno_text(errno)));
    }
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

 private:
  std::filesystem::path path_;
  Fd fd_;
  bool committed_ = false;
};

Result<std::unique_ptr<PartFile>> create_part_file(const std::filesystem::path& dest) {
  std::filesystem::path dir = dest.parent_path();
  if (dir.empty()) dir = ".";
  unsigned char random[8];
  if (RAND_bytes(random, sizeof random) != 1) {
    return Status(Code::internal, "no randomness for a temporary file name");
  }
  std::string suffix;
  for (unsigned char b : random) suffix += fmt::format("{:02x}", b);
  auto path = dir / fmt::format(".{}.{}.part", dest.filename().string(), suffix);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    const Code code = err == ENOENT ? Code::not_found : Code::invalid_argument;
    return Status(code, fmt::format("cannot write into {}: {}", dir.string(), errno_text(err)));
  }
  return std::make_unique<PartFile>(std::move(path), fd);
}

}  // namespace

Result<FileInfo> Client::upload(const std::filesystem::path& path, const Destination& to,
                                ProgressHandler progress) {
  Impl& d = *impl_;
  v1::UploadRequest meta_request;
  v1::UploadMeta* meta = meta_request.mutable_meta();
  if (Status st = d.token(meta->mutable_session()); !st.ok()) return st;
  if (to.room.empty() == to.recipient.empty()) {
    return Status(Code::invalid_argument, "an upload goes to exactly one room or one user");
  }

  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) return open_error(path, errno);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return open_error(path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Status(Code::invalid_argument, fmt::format("{} is not a regular file", path.string()));
  }

  // One pass for the hash first: the server checks it against what it stored.
  util::Sha256 sha;
  std::string block(kHashBlock, '\0');
  std::uint64_t size = 0;
  for (;;) {
    const ssize_t n = read_full(file.get(), block.data(), block.size());
    if (n < 0) return open_error(path, errno);
    if (n == 0) break;
    sha.update(std::string_view(block.data(), static_cast<std::size_t>(n)));
    size += static_cast<std::uint64_t>(n);
  }
  block = {};
  const Limits limits = d.limits();
  if (size > limits.max_file_size) {
    return Status(Code::invalid_argument,
                  fmt::format("file is {}; the server's limit is {}", human_size(size),
                              human_size(limits.max_file_size)));
  }
  if (::lseek(file.get(), 0, SEEK_SET) != 0) return open_error(path, errno);

  meta->set_name(path.filename().string());
  meta->set_size(size);
  if (!to.room.empty()) {
    meta->set_room(to.room);
  } else {
    meta->set_recipient(to.recipient);
  }
  meta->set_sha256(sha.hex());

  // No deadline: a large file on a slow link may take long; cancelling is the progress
  // handler's job.
  grpc::ClientContext ctx;
  v1::UploadResponse response;
  auto writer = d.stub->Upload(&ctx, &response);
  const std::size_t chunk_size = limits.chunk_size > 0 ? limits.chunk_size : 64 * 1024;
  bool stream_ok = writer->Write(meta_request);
  std::uint64_t done = 0;
  v1::UploadRequest chunk_request;
  std::string* chunk = chunk_request.mutable_chunk();
  while (stream_ok && done < size) {
    chunk->resize(static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, size - done)));
    const ssize_t n = read_full(file.get(), chunk->data(), chunk->size());
    if (n <= 0 || static_cast<std::size_t>(n) != chunk->size()) {
      const int err = n < 0 ? errno : 0;
      ctx.TryCancel();
      writer->Finish();
      return Status(Code::aborted,
                    n < 0 ? fmt::format("cannot read {}: {}", path.string(), errno_text(err))
                          : fmt::format("{} shrank while it was being sent", path.string()));
    }
    // A false Write means the server ended the call; Finish says why.
    stream_ok = writer->Write(chunk_request);
    if (!stream_ok) break;
    done += static_cast<std::uint64_t>(n);
    if (progress && !progress(Progress{done, size})) {
      ctx.TryCancel();
      writer->Finish();
      return Status(Code::cancelled, "upload cancelled");
    }
  }
  if (stream_ok) writer->WritesDone();
  const Status status = transport::from_grpc(writer->Finish());
  if (!status.ok()) return status;
  return transport::from_proto(response.file());
}

Result<FileInfo> Client::download(const std::string& file_id, const std::filesystem::path& dest,
                                  bool overwrite, ProgressHandler progress) {
  Impl& d = *impl_;
  v1::DownloadRequest request;
  if (Status st = d.token(request.mutable_session()); !st.ok()) return st;
  request.set_file_id(file_id);

  std::error_code ec;
  if (!overwrite && std::filesystem::exists(std::filesystem::symlink_status(dest, ec))) {
    return Status(Code::already_exists,
                  fmt::format("{} exists; pass overwrite to replace it", dest.string()));
  }
  auto part = create_part_file(dest);
  if (!part.ok()) return part.status();

  grpc::ClientContext ctx;
  auto reader = d.stub->Download(&ctx, request);
  // Ends the call early; Finish would otherwise wait for the whole stream.
  const auto abort = [&](Status why) {
    ctx.TryCancel();
    reader->Finish();
    return why;
  };

  v1::DownloadResponse message;
  if (!reader->Read(&message)) {
    Status status = transport::from_grpc(reader->Finish());
    if (status.ok()) status = Status(Code::data_loss, "the server sent no file description");
    return status;
  }
  if (!message.has_info()) {
    return abort(Status(Code::internal, "the server sent data before the file description"));
  }
  FileInfo info = transport::from_proto(message.info());

  util::Sha256 sha;
  std::uint64_t done = 0;
  while (reader->Read(&message)) {
    if (!message.has_chunk()) {
      return abort(Status(Code::internal, "the server sent a second file description"));
    }
    const std::string& chunk = message.chunk();
    done += chunk.size();
    if (done > info.size) {
      return abort(Status(Code::data_loss,
                          fmt::format("the server sent more than the {} bytes of {}", info.size,
                                      info.name)));
    }
    if (!write_full((*part)->fd(), chunk.data(), chunk.size())) {
      return abort(Status(Code::internal, fmt::format("cannot write {}: {}",
                                                      (*part)->path().string(),
                                                      errno_text(errno))));
    }
    sha.update(chunk);
    if (progress && !progress(Progress{done, info.size})) {
      return abort(Status(Code::cancelled, "download cancelled"));
    }
  }
  if (Status status = transport::from_grpc(reader->Finish()); !status.ok()) return status;

  if (done != info.size) {
    return Status(Code::data_loss, fmt::format("received {} of the {} bytes of {}", done,
                                               info.size, info.name));
  }
  if (const std::string got = sha.hex(); got != info.sha256) {
    return Status(Code::data_loss,
                  fmt::format("sha256 of {} is {}, the server said {}", info.name, got,
                              info.sha256));
  }
  if (Status st = (*part)->commit(dest, overwrite); !st.ok()) return st;
  return info;
}

}  // namespace chatcore
