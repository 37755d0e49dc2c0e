// The temporary file a download writes into, next to its destination, and moved onto it only
// once the whole file has arrived and its sha256 matched; otherwise it is removed, or, for a
// resumable download, kept for the next attempt to continue.
#pragma once

#include <chatcore/status.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "util/files.h"

namespace chatcore::client {

std::string errno_text(int err);

class PartFile {
 public:
  // A new ".NAME.RANDOM.part" beside `dest`; NOT_FOUND or INVALID_ARGUMENT naming the folder.
  static Result<std::unique_ptr<PartFile>> create(const std::filesystem::path& dest);
  // ".NAME.KEY.part" beside `dest`, created or continued at its end (its bytes hashed first).
  // One process at a time: FAILED_PRECONDITION while another download writes it.
  static Result<std::unique_ptr<PartFile>> resume(const std::filesystem::path& dest,
                                                  const std::string& key);
  static std::filesystem::path resumable_path(const std::filesystem::path& dest,
                                              const std::string& key);
  ~PartFile();
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  // Bytes it holds, those of earlier attempts included.
  std::uint64_t size() const { return size_; }
  Status write(std::string_view data);
  // Flushes and closes; the hex sha256 of everything it holds.
  Result<std::string> finish();
  // Renames onto dest. Without `overwrite`, an existing dest is never replaced, even one that
  // appeared during the transfer.
  Status commit(const std::filesystem::path& dest, bool overwrite);
  // Left on disk when destroyed, for a later attempt to continue.
  void keep() { kept_ = true; }

 private:
  explicit PartFile(std::filesystem::path path) : path_(std::move(path)) {}
  Status write_error(int err) const;
  Status open_error(int err) const;

  std::filesystem::path path_;
  util::FileWriter writer_;
  util::Sha256 sha_;
  std::uint64_t size_ = 0;
  int lock_fd_ = -1;  // holds the flock of a resumable part
  bool open_ = false;
  bool committed_ = false;
  bool kept_ = false;
};

}  // namespace chatcore::client
