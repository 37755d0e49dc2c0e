// FlushList holds the calls that queued output during the current loop turn. The loop runs it
// once it has handled every completion that is ready, so a burst of events leaves each
// session as one write instead of one write per event.
#pragma once

#include <vector>

namespace chatcore::transport {

class CallBase;

class FlushList {
 public:
  void add(CallBase* call) { pending_.push_back(call); }
  bool empty() const { return pending_.empty(); }
  // Flushes every call added so far; calls added meanwhile wait for the next run.
  void run();

 private:
  std::vector<CallBase*> pending_;
  std::vector<CallBase*> running_;
};

}  // namespace chatcore::transport
