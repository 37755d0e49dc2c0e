// TransferMemory shares one byte budget (--transfer-memory) among the transfers running now:
// what downloads have read ahead and uploads have received but not yet written and hashed.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatcore::transport {

class TransferMemory {
 public:
  // One transfer's part of the budget; gives back what it holds when destroyed (or reset).
  class Share {
   public:
    Share() = default;
    Share(Share&& other) noexcept;
    Share& operator=(Share&& other) noexcept;
    ~Share() { reset(); }
    void reset();

    // Bytes the transfer may add to what it holds now, in whole chunks: at least one chunk
    // while it holds nothing (so every transfer moves), else what its window and the budget
    // leave. 0 when it must wait for its writes or disk tasks to give something back.
    std::uint64_t room() const;
    void take(std::uint64_t bytes);
    void give(std::uint64_t bytes);
    std::uint64_t held() const { return held_; }

   private:
    friend class TransferMemory;
    Share(TransferMemory* owner, std::uint64_t max_window)
        : owner_(owner), max_window_(max_window) {}
    TransferMemory* owner_ = nullptr;
    std::uint64_t max_window_ = 0;
    std::uint64_t held_ = 0;
  };

  // `budget` 0: no budget, every transfer gets the window it joined with.
  TransferMemory(std::uint64_t budget, std::size_t chunk);

  // A transfer that buffers at most `max_chunks` chunks.
  Share join(std::size_t max_chunks);
  // What a transfer of at most `max_window` bytes may hold now: the budget split evenly,
  // within [chunk, max_window].
  std::uint64_t window(std::uint64_t max_window) const;
  std::uint64_t held() const { return held_; }
  std::size_t transfers() const { return transfers_; }
  std::size_t chunk() const { return chunk_; }

 private:
  std::uint64_t budget_;
  std::size_t chunk_;
  std::uint64_t held_ = 0;
  std::size_t transfers_ = 0;
};

}  // namespace chatcore::transport
