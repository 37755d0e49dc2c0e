// The shared transfer-memory budget behind --transfer-memory.
#include "transport/transfer_memory.h"

#include <algorithm>
#include <utility>

namespace chatcore::transport {

TransferMemory::TransferMemory(std::uint64_t budget, std::size_t chunk)
    : budget_(budget), chunk_(std::max<std::size_t>(chunk, 1)) {}

TransferMemory::Share TransferMemory::join(std::size_t max_chunks) {
  ++transfers_;
  return Share(this, std::uint64_t{std::max<std::size_t>(max_chunks, 1)} * chunk_);
}

std::uint64_t TransferMemory::window(std::uint64_t max_window) const {
  if (budget_ == 0) return max_window;
  const std::uint64_t even = budget_ / std::max<std::size_t>(transfers_, 1);
  return std::clamp<std::uint64_t>(even, chunk_, max_window);
}

TransferMemory::Share::Share(Share&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      max_window_(other.max_window_),
      held_(std::exchange(other.held_, 0)) {}

TransferMemory::Share& TransferMemory::Share::operator=(Share&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    max_window_ = other.max_window_;
    held_ = std::exchange(other.held_, 0);
  }
  return *this;
}

void TransferMemory::Share::reset() {
  if (owner_ == nullptr) return;
  owner_->held_ -= held_;
  --owner_->transfers_;
  held_ = 0;
  owner_ = nullptr;
}

std::uint64_t TransferMemory::Share::room() const {
  if (owner_ == nullptr) return 0;
  const TransferMemory& m = *owner_;
  const std::uint64_t window = m.window(max_window_);
  std::uint64_t room = held_ < window ? window - held_ : 0;
  if (m.budget_ != 0) room = std::min(room, m.held_ < m.budget_ ? m.budget_ - m.held_ : 0);
  room = room / m.chunk_ * m.chunk_;
  // The floor: a transfer may always hold one chunk, or it could never move at all.
  return held_ == 0 ? std::max<std::uint64_t>(room, m.chunk_) : room;
}

void TransferMemory::Share::take(std::uint64_t bytes) {
  if (owner_ == nullptr) return;
  held_ += bytes;
  owner_->held_ += bytes;
}

void TransferMemory::Share::give(std::uint64_t bytes) {
  if (owner_ == nullptr) return;
  bytes = std::min(bytes, held_);
  held_ -= bytes;
  owner_->held_ -= bytes;
}

}  // namespace chatcore::transport
