#include "transport/retention_timer.h"

#include <grpc/support/time.h>

#include "transport/waker.h"

namespace chatcore::transport {

void RetentionTimer::start(Waker& waker) {
  waker_ = &waker;
  arm(std::chrono::seconds(0));
}

void RetentionTimer::arm(std::chrono::seconds after) {
  if (armed_ || stopped_ || waker_ == nullptr) return;
  const gpr_timespec deadline = gpr_time_add(
      gpr_now(GPR_CLOCK_MONOTONIC),
      gpr_time_from_seconds(static_cast<std::int64_t>(after.count()), GPR_TIMESPAN));
  armed_ = waker_->set_alarm(alarm_, deadline, this);
}

void RetentionTimer::stop() {
  stopped_ = true;
  if (armed_) alarm_.Cancel();  // delivers ok == false
}

void RetentionTimer::on_event(bool ok) {
  armed_ = false;
  if (!ok || stopped_) return;
  hub_.prune(policy_, after_);
  arm(kPeriod);
}

}  // namespace chatcore::transport
