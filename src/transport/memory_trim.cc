#include "transport/memory_trim.h"

#include <boost/asio/post.hpp>
#include <grpc/support/time.h>

#include <malloc.h>

#include "transport/waker.h"

namespace chatcore::transport {

void MemoryTrim::soon(Waker& waker) {
  policy_.session_ended();
  arm(waker);
}

void MemoryTrim::after_turn(Waker& waker) {
  if (armed_ || !policy_.wants_check(deliveries_.get())) return;
  arm(waker);
}

void MemoryTrim::arm(Waker& waker) {
  if (armed_ || stopped_) return;
  waker_ = &waker;
  const auto ms = std::chrono::milliseconds(TrimPolicy::kCheck).count();
  const gpr_timespec deadline =
      gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                   gpr_time_from_millis(static_cast<std::int64_t>(ms), GPR_TIMESPAN));
  armed_ = waker.set_alarm(alarm_, deadline, this);
  if (armed_) policy_.armed(deliveries_.get(), TrimPolicy::Clock::now());
}

void MemoryTrim::stop() {
  stopped_ = true;
  if (armed_) alarm_.Cancel();  // delivers ok == false
}

void MemoryTrim::on_event(bool ok) {
  armed_ = false;
  if (!ok || stopped_) return;
  if (policy_.check(deliveries_.get(), TrimPolicy::Clock::now()) == TrimPolicy::Action::wait) {
    arm(*waker_);
    return;
  }
  // On the disk pool: trimming a large heap takes milliseconds the loop should not spend.
  boost::asio::post(pool_, [] { ::malloc_trim(0); });
}

}  // namespace chatcore::transport
