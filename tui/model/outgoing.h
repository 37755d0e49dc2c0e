// Messages on their way out, paced by the server's flood limit (a token bucket of `burst`
// at once, then `rate` a second, from Welcome's limits) so that a paste is never refused.
#pragma once

#include "buffers.h"

#include <chatcore/types.h>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace chat {

struct Outgoing {
  BufferId to;  // a room or a DM partner
  std::string text;
  chatcore::MessageKind kind = chatcore::MessageKind::normal;
};

// Times are seconds on any steady clock the caller keeps.
class OutgoingQueue {
 public:
  // A new session: its limits, and a full bucket, as the server gives a new session.
  void reset(const chatcore::Limits& limits, double now);
  void push(Outgoing message);
  // The messages that may go now, oldest first; each one spends a token.
  std::vector<Outgoing> take_ready(double now);
  // Seconds until the next queued message may go; nullopt when the queue is empty.
  std::optional<double> next_in(double now) const;
  std::size_t size() const { return queue_.size(); }
  void clear() { queue_.clear(); }

 private:
  void refill(double now);

  double rate_ = 0;  // 0: no limit
  double capacity_ = 1;
  double tokens_ = 1;
  double at_ = 0;
  std::deque<Outgoing> queue_;
};

}  // namespace chat
