#include "transport/storage_budget.h"

#include <fmt/format.h>

#include <utility>

#include "util/files.h"

namespace chatcore::transport {

Reservation::Reservation(Reservation&& other) noexcept
    : budget_(std::exchange(other.budget_, nullptr)), bytes_(other.bytes_) {}

Reservation& Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    release();
    budget_ = std::exchange(other.budget_, nullptr);
    bytes_ = other.bytes_;
  }
  return *this;
}

void Reservation::commit() {
  if (budget_ == nullptr) return;
  budget_->reserved_ -= bytes_;
  budget_->stored_ += bytes_;
  budget_ = nullptr;
}

void Reservation::release() {
  if (budget_ == nullptr) return;
  budget_->reserved_ -= bytes_;
  budget_ = nullptr;
}

Result<Reservation> StorageBudget::reserve(std::uint64_t bytes) {
  const std::uint64_t committed = stored_ + reserved_;
  if (quota_ != 0 && committed + bytes > quota_) {
    return Status(Code::resource_exhausted,
                  fmt::format("the server's storage quota is full: {} free, the file is {}",
                              util::human_bytes(quota_ > committed ? quota_ - committed : 0),
                              util::human_bytes(bytes)));
  }
  reserved_ += bytes;
  return Reservation(this, bytes);
}

}  // namespace chatcore::transport
