#include "transport/delayed_flush.h"

#include <grpc/support/time.h>

#include "transport/call_base.h"
#include "transport/waker.h"

namespace chatcore::transport {

void DelayedFlush::add(CallBase* call, Waker& waker) {
  pending_.push_back(call);
  if (armed_) return;
  const gpr_timespec deadline = gpr_time_add(
      gpr_now(GPR_CLOCK_MONOTONIC),
      gpr_time_from_millis(static_cast<std::int64_t>(kDelay.count()), GPR_TIMESPAN));
  armed_ = waker.set_alarm(alarm_, deadline, this);
  if (!armed_) on_event(false);
}

void DelayedFlush::on_event(bool /*ok*/) {
  // Cancelled or fired, the calls are held until they are handed on: hand them on.
  armed_ = false;
  std::vector<CallBase*> due;
  due.swap(pending_);
  for (auto* call : due) call->run_delayed_flush();
}

}  // namespace chatcore::transport
