// Blocking file I/O with SHA-256 (OpenSSL) for uploads and downloads. These run on the disk
// pool, never on the loop thread; each object is used by one thread at a time.
#pragma once

#include <chatcore/status.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace chatcore::util {

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex();  // finalises; lowercase hex

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes a new file (never replaces one), hashing what it writes.
class FileWriter {
 public:
  FileWriter() = default;
  ~FileWriter();  // closes; does not remove
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  Status open(const std::filesystem::path& path, unsigned mode = 0640);
  // A file in `dir` without a name (O_TMPFILE) until link_as: when the upload fails, or the
  // process dies, there is no partial file to remove. Where the file system cannot do that,
  // the file is created as `fallback` instead.
  Status open_unnamed(const std::filesystem::path& dir, const std::filesystem::path& fallback,
                      unsigned mode = 0640);
  // Flushes the data (fdatasync) and gives the file the name `path` (a new one: never
  // replaces a file). The caller syncs the directory and then closes.
  Status link_as(const std::filesystem::path& path);
  // A named file kept across attempts (a resumable upload): created if missing, cut to
  // `offset` bytes, and written from there on. Only write_unhashed() makes sense after it:
  // the caller hashes the first `offset` bytes itself.
  Status open_at(const std::filesystem::path& path, std::uint64_t offset, unsigned mode = 0640);
  Status write(std::string_view data);
  // Writes without hashing, for a caller that hashes the same bytes elsewhere in parallel.
  Status write_unhashed(std::string_view data);
  // Flushes what was written to the disk (fsync), for a file that must survive a crash.
  Status sync();
  // Flushes the data to disk (fdatasync), closes, and returns the hex SHA-256 of everything
  // write() (not write_unhashed) wrote.
  Result<std::string> close();
  std::uint64_t written() const { return written_; }
  // errno of the last call that failed, for callers that word their own message.
  int error() const { return error_; }

 private:
  int fd_ = -1;
  int error_ = 0;
  std::filesystem::path named_;  // the name it was created under; empty while unnamed
  std::uint64_t written_ = 0;
  std::uint64_t writeback_from_ = 0;  // where the writeback not yet started begins
  Sha256 sha_;
};

// fsync of a directory, so that a rename into it survives a power cut.
Status sync_dir(const std::filesystem::path& dir);

// Reads a file front to back.
class FileReader {
 public:
  FileReader() = default;
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  Status open(const std::filesystem::path& path);
  std::uint64_t size() const { return size_; }
  bool regular() const { return regular_; }
  // Up to `max` bytes; empty at the end of the file.
  Result<std::string> read(std::size_t max);
  // Fills `out` as far as the file goes; the byte count (short only at the end of the file).
  Result<std::size_t> read_into(char* out, std::size_t size);
  // Back to the first byte, for a second pass.
  Status rewind() { return seek(0); }
  // To byte `offset`, to continue from there.
  Status seek(std::uint64_t offset);
  // errno of the last call that failed, for callers that word their own message.
  int error() const { return error_; }

 private:
  int fd_ = -1;
  int error_ = 0;
  std::filesystem::path named_;  // the name it was created under; empty while unnamed
  bool regular_ = false;
  std::uint64_t size_ = 0;
};

// What a file system of `total` bytes keeps free for logs and the system: 5 % of it, at most
// 64 MiB, so that a small disk still takes small files.
std::uint64_t disk_reserve(std::uint64_t total);
// RESOURCE_EXHAUSTED when a file of `needed` bytes does not fit into `free_bytes` (of a file
// system of `total` bytes) beside the disk reserve and the `reserved` bytes other uploads in
// progress declared; the message names each of the three.
Status check_space(std::uint64_t free_bytes, std::uint64_t total, std::uint64_t needed,
                   std::uint64_t reserved);
// check_space() for the file system holding `dir`; OK when it cannot be told.
Status check_free_space(const std::filesystem::path& dir, std::uint64_t needed,
                        std::uint64_t reserved);
// A whole small file (certificates, keys). FAILED_PRECONDITION naming the path if unreadable.
Result<std::string> read_small_file(const std::filesystem::path& path);
// Removes a file, ignoring a missing one.
void remove_quietly(const std::filesystem::path& path);
// "1.5 GiB", "640 KiB", "12 B".
std::string human_bytes(std::uint64_t bytes);

}  // namespace chatcore::util
