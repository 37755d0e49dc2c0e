// DelayedFlush holds the calls whose queued output may wait a little (presence: joins and
// leaves). One alarm per interval hands them all to the end-of-turn flush together, so a burst
// of joins reaches each member as a few writes instead of one write per loop turn.
#pragma once

#include <grpcpp/alarm.h>

#include <chrono>
#include <vector>

#include "transport/tag.h"

namespace chatcore::transport {

class CallBase;
class Waker;

class DelayedFlush final : public Tag {
 public:
  // How long a presence event may wait for company. Short against what a person notices,
  // long against a loop turn under a burst of joins.
  static constexpr std::chrono::milliseconds kDelay{20};

  // Flushes `call` at most kDelay from now (the caller holds the call meanwhile). Without the
  // alarm (the queue is shutting down) the call is flushed in the current turn.
  void add(CallBase* call, Waker& waker);
  void on_event(bool ok) override;

 private:
  grpc::Alarm alarm_;
  std::vector<CallBase*> pending_;
  bool armed_ = false;
};

}  // namespace chatcore::transport
