// The temporary file a download writes into, next to its destination, and moved onto it only
// once the whole file has arrived and its sha256 matched; otherwise it is removed.
#pragma once

#include <chatcore/status.h>

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
  ~PartFile();
  PartFile(const PartFile&) = delete;
  PartFile& operator=(const PartFile&) = delete;

  Status write(std::string_view data);
  // Flushes and closes; the hex sha256 of everything written.
  Result<std::string> finish();
  // Renames onto dest. Without `overwrite`, an existing dest is never replaced, even one that
  // appeared during the transfer.
  Status commit(const std::filesystem::path& dest, bool overwrite);

 private:
  explicit PartFile(std::filesystem::path path) : path_(std::move(path)) {}
  Status write_error(int err) const;

  std::filesystem::path path_;
  util::FileWriter writer_;
  bool open_ = false;
  bool committed_ = false;
};

}  // namespace chatcore::client
