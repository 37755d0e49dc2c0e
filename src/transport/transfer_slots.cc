// The per-session transfer count behind --max-transfers.
#include "transport/transfer_slots.h"

#include <fmt/format.h>

#include <utility>

namespace chatcore::transport {

TransferSlots::Slot::Slot(Slot&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), session_(other.session_) {}

TransferSlots::Slot& TransferSlots::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    reset();
    owner_ = std::exchange(other.owner_, nullptr);
    session_ = other.session_;
  }
  return *this;
}

void TransferSlots::Slot::reset() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->release(session_);
}

Status TransferSlots::acquire(std::uint64_t session, Slot& out) {
  auto& n = running_[session];
  if (limit_ != 0 && n >= limit_) {
    return Status(Code::resource_exhausted,
                  fmt::format("you have {} transfers running, the limit; wait for one to end",
                              n));
  }
  ++n;
  out = Slot(this, session);
  return {};
}

std::size_t TransferSlots::running(std::uint64_t session) const {
  const auto it = running_.find(session);
  return it == running_.end() ? 0 : it->second;
}

void TransferSlots::release(std::uint64_t session) {
  const auto it = running_.find(session);
  if (it == running_.end()) return;
  if (--it->second == 0) running_.erase(it);
}

}  // namespace chatcore::transport
