#include "outgoing.h"

#include <algorithm>

namespace chat {
namespace {

// The server's bucket fills by its own clock and sees our messages after the network's
// jitter: two sent exactly a token apart may arrive closer. A tenth slower and one token held
// back keep every message inside its limit at the cost of a slightly slower paste.
constexpr double rate_margin = 0.9;

}  // namespace

void OutgoingQueue::reset(const chatcore::Limits& limits, double now) {
  rate_ = limits.message_rate > 0 ? limits.message_rate * rate_margin : 0;
  capacity_ = limits.message_burst > 1 ? limits.message_burst - 1.0 : 1.0;
  tokens_ = capacity_;
  at_ = now;
}

void OutgoingQueue::push(Outgoing message) { queue_.push_back(std::move(message)); }

void OutgoingQueue::refill(double now) {
  if (now > at_) tokens_ = std::min(capacity_, tokens_ + (now - at_) * rate_);
  at_ = std::max(at_, now);
}

std::vector<Outgoing> OutgoingQueue::take_ready(double now) {
  std::vector<Outgoing> ready;
  refill(now);
  while (!queue_.empty() && (rate_ == 0 || tokens_ >= 1)) {
    if (rate_ != 0) tokens_ -= 1;
    ready.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return ready;
}

std::optional<double> OutgoingQueue::next_in(double now) const {
  if (queue_.empty()) return std::nullopt;
  if (rate_ == 0) return 0.0;
  const double tokens = std::min(capacity_, tokens_ + std::max(0.0, now - at_) * rate_);
  return tokens >= 1 ? 0.0 : (1 - tokens) / rate_;
}

}  // namespace chat
