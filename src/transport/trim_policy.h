// TrimPolicy decides when the server hands freed heap back to the kernel: after a burst of
// deliveries or of sessions ending has stopped, never while one goes on. Plain logic, no timer.
#pragma once

#include <chrono>
#include <cstdint>

namespace chatcore::transport {

class TrimPolicy {
 public:
  using Clock = std::chrono::steady_clock;

  // How often a pending trim looks whether the burst is over.
  static constexpr std::chrono::milliseconds kCheck{100};
  // Deliveries since the last trim that make another one worth walking the heap for. A
  // seating of 1 000 makes 500 000; a quiet room a few per second.
  static constexpr std::uint64_t kChurn = 20000;
  // Deliveries within one check that mean the burst goes on (20 000/s): a trim now would take
  // the allocator's locks from the loop and return pages the loop is about to fault in again.
  static constexpr std::uint64_t kBusy = 2000;
  // Load that never pauses still gets a trim this often.
  static constexpr std::chrono::seconds kMaxWait{30};

  enum class Action { trim, wait };

  // A session ended: what it held is worth a trim, whatever the deliveries.
  void session_ended();
  // Whether a check is due, given the deliveries counted so far (call when none is armed).
  bool wants_check(std::uint64_t deliveries) const;
  // A check is armed now.
  void armed(std::uint64_t deliveries, Clock::time_point now);
  // A check fired: trim now, or look again kCheck later.
  Action check(std::uint64_t deliveries, Clock::time_point now);

 private:
  std::uint64_t at_trim_ = 0;   // deliveries at the last trim
  std::uint64_t at_check_ = 0;  // deliveries at the last check (or arming)
  bool ended_ = false;          // a session ended since the last trim
  bool ended_recently_ = false;  // ... since the last check
  bool waiting_ = false;        // armed and not yet trimmed
  Clock::time_point since_{};   // when the wait began
};

}  // namespace chatcore::transport
