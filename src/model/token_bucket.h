// TokenBucket is flood protection for one user and one kind of request: a burst, then a
// steady rate. Time is passed in, so it is tested without clocks.
#pragma once

#include <algorithm>

namespace chatcore::model {

class TokenBucket {
 public:
  // per_second 0 disables the limit.
  TokenBucket(double per_second, double burst)
      : rate_(per_second), burst_(std::max(burst, 1.0)), tokens_(burst_) {}

  // Takes one token at time `now` (seconds, monotonic). Returns 0 when allowed, otherwise the
  // seconds until a token will be there (nothing is taken).
  double take(double now) {
    if (rate_ <= 0) return 0;
    tokens_ = std::min(burst_, tokens_ + (now - last_) * rate_);
    last_ = now;
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return 0;
    }
    return (1 - tokens_) / rate_;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  double last_ = 0;
};

}  // namespace chatcore::model
