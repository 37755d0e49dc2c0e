// StorageBudget keeps the server's file storage within its quota: bytes of stored files and of
// interrupted uploads kept for resuming, plus bytes declared by uploads still in flight, which
// count from the moment an upload starts.
#pragma once

#include <chatcore/status.h>

#include <cstdint>

namespace chatcore::transport {

class StorageBudget;

// The bytes one upload declared, held against the quota until the upload is stored (commit)
// or fails (the reservation is dropped). Move-only.
class Reservation {
 public:
  Reservation() = default;
  Reservation(Reservation&& other) noexcept;
  Reservation& operator=(Reservation&& other) noexcept;
  ~Reservation() { release(); }

  // The upload was stored: its bytes move from reserved to stored.
  void commit();
  void release();
  bool held() const { return budget_ != nullptr; }

 private:
  friend class StorageBudget;
  Reservation(StorageBudget* budget, std::uint64_t bytes) : budget_(budget), bytes_(bytes) {}

  StorageBudget* budget_ = nullptr;
  std::uint64_t bytes_ = 0;
};

class StorageBudget {
 public:
  // quota 0 means no quota; free disk space is still checked by the upload.
  explicit StorageBudget(std::uint64_t quota) : quota_(quota) {}

  void set_stored(std::uint64_t bytes) { stored_ = bytes; }
  // Bytes kept on disk outside an upload in flight (an interrupted upload's part).
  void added(std::uint64_t bytes) { stored_ += bytes; }
  // A stored file (or a kept part) was deleted: its bytes count no more.
  void freed(std::uint64_t bytes) { stored_ -= bytes < stored_ ? bytes : stored_; }
  // RESOURCE_EXHAUSTED with what is left when `bytes` does not fit in the quota.
  Result<Reservation> reserve(std::uint64_t bytes);

  std::uint64_t stored() const { return stored_; }
  std::uint64_t reserved() const { return reserved_; }

 private:
  friend class Reservation;

  std::uint64_t quota_;
  std::uint64_t stored_ = 0;
  std::uint64_t reserved_ = 0;
};

}  // namespace chatcore::transport
