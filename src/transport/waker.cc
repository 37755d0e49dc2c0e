#include "transport/waker.h"

#include <grpc/support/time.h>

namespace chatcore::transport {

bool Waker::post(std::function<void()> fn) {
  const std::lock_guard lock(mutex_);
  if (closed_) return false;
  pending_.push_back(std::move(fn));
  if (!armed_) {
    armed_ = true;
    // A deadline in the past fires at once; "now" is rounded up to the next millisecond,
    // which every disk task's result would wait out.
    alarm_.Set(cq_, gpr_time_0(GPR_CLOCK_MONOTONIC), static_cast<Tag*>(this));
  }
  return true;
}

bool Waker::set_alarm(grpc::Alarm& alarm, gpr_timespec deadline, Tag* tag) {
  const std::lock_guard lock(mutex_);
  if (closed_) return false;
  alarm.Set(cq_, deadline, static_cast<void*>(tag));
  return true;
}

void Waker::close() {
  const std::lock_guard lock(mutex_);
  closed_ = true;
}

void Waker::on_event(bool /*ok*/) {
  // ok is false only if the alarm was cancelled; either way the posted work must run.
  std::vector<std::function<void()>> batch;
  {
    const std::lock_guard lock(mutex_);
    batch.swap(pending_);
    armed_ = false;
  }
  for (auto& fn : batch) fn();
  // Functions posted while the batch ran re-armed the alarm themselves (armed_ was false).
}

}  // namespace chatcore::transport
