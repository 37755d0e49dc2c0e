#include "transport/memory_trim.h"

#include <boost/asio/post.hpp>
#include <grpc/support/time.h>

#include <malloc.h>

#include "transport/waker.h"

namespace chatcore::transport {

void MemoryTrim::soon(Waker& waker) {
  if (armed_ || stopped_) return;
  const gpr_timespec deadline =
      gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                   gpr_time_from_seconds(static_cast<std::int64_t>(kDelay.count()), GPR_TIMESPAN));
  armed_ = waker.set_alarm(alarm_, deadline, this);
}

void MemoryTrim::stop() {
  stopped_ = true;
  if (armed_) alarm_.Cancel();  // delivers ok == false
}

void MemoryTrim::on_event(bool ok) {
  armed_ = false;
  if (!ok || stopped_) return;
  // On the disk pool: trimming a large heap takes milliseconds the loop should not spend.
  boost::asio::post(pool_, [] { ::malloc_trim(0); });
}

}  // namespace chatcore::transport
