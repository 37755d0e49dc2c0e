// TransferSlots counts the uploads and downloads each session has running, against
// Config::max_transfers: one user must not pin server memory with unbounded transfers.
#pragma once

#include <chatcore/status.h>

#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace chatcore::transport {

class TransferSlots {
 public:
  // One running transfer; gives its place back when destroyed (or reset).
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    ~Slot() { reset(); }
    void reset();

   private:
    friend class TransferSlots;
    Slot(TransferSlots* owner, std::uint64_t session) : owner_(owner), session_(session) {}
    TransferSlots* owner_ = nullptr;
    std::uint64_t session_ = 0;
  };

  explicit TransferSlots(std::size_t limit) : limit_(limit) {}  // 0: no limit

  // A slot for `session` in `out`, or RESOURCE_EXHAUSTED when it has `limit` running.
  Status acquire(std::uint64_t session, Slot& out);
  std::size_t running(std::uint64_t session) const;

 private:
  void release(std::uint64_t session);

  std::size_t limit_;
  std::unordered_map<std::uint64_t, std::size_t> running_;
};

}  // namespace chatcore::transport
