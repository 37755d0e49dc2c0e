#include "transport/flush_list.h"

#include "transport/call_base.h"

namespace chatcore::transport {

void FlushList::run() {
  running_.swap(pending_);
  // Each call is held (counted outstanding) while listed, so none is freed before its turn.
  for (auto* call : running_) call->run_flush();
  running_.clear();
}

}  // namespace chatcore::transport
