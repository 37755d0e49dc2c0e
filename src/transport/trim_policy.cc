#include "transport/trim_policy.h"

namespace chatcore::transport {

void TrimPolicy::session_ended() {
  ended_ = true;
  ended_recently_ = true;
}

bool TrimPolicy::wants_check(std::uint64_t deliveries) const {
  return ended_ || deliveries - at_trim_ >= kChurn;
}

void TrimPolicy::armed(std::uint64_t deliveries, Clock::time_point now) {
  at_check_ = deliveries;
  if (waiting_) return;
  waiting_ = true;
  since_ = now;
}

TrimPolicy::Action TrimPolicy::check(std::uint64_t deliveries, Clock::time_point now) {
  const bool busy = ended_recently_ || deliveries - at_check_ >= kBusy;
  at_check_ = deliveries;
  ended_recently_ = false;
  if (busy && now - since_ < kMaxWait) return Action::wait;
  at_trim_ = deliveries;
  ended_ = false;
  waiting_ = false;
  return Action::trim;
}

}  // namespace chatcore::transport
