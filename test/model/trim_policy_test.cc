#include "transport/trim_policy.h"

#include <doctest/doctest.h>

using chatcore::transport::TrimPolicy;
using Action = TrimPolicy::Action;

namespace {
const TrimPolicy::Clock::time_point t0{};
TrimPolicy::Clock::time_point at(int ms) { return t0 + std::chrono::milliseconds(ms); }
}  // namespace

TEST_CASE("a trim waits for a burst of deliveries to stop, then happens once") {
  TrimPolicy policy;
  CHECK_FALSE(policy.wants_check(TrimPolicy::kChurn - 1));  // a quiet server never trims
  std::uint64_t delivered = TrimPolicy::kChurn;
  REQUIRE(policy.wants_check(delivered));
  policy.armed(delivered, at(0));
  // While each check sees the burst go on, the trim waits.
  for (int i = 1; i <= 5; ++i) {
    delivered += TrimPolicy::kBusy;
    CHECK(policy.check(delivered, at(100 * i)) == Action::wait);
    policy.armed(delivered, at(100 * i));
  }
  // A check that sees only a trickle trims.
  delivered += TrimPolicy::kBusy - 1;
  CHECK(policy.check(delivered, at(600)) == Action::trim);
  // What was delivered before the trim does not ask for another.
  CHECK_FALSE(policy.wants_check(delivered + TrimPolicy::kChurn - 1));
  CHECK(policy.wants_check(delivered + TrimPolicy::kChurn));
}

TEST_CASE("sessions that end ask for a trim once they stop ending") {
  TrimPolicy policy;
  policy.session_ended();
  CHECK(policy.wants_check(0));
  policy.armed(0, at(0));
  policy.session_ended();  // another one during the first check
  CHECK(policy.check(0, at(100)) == Action::wait);
  policy.armed(0, at(100));
  CHECK(policy.check(0, at(200)) == Action::trim);
  CHECK_FALSE(policy.wants_check(0));
}

TEST_CASE("load that never pauses still gets a trim after the longest wait") {
  TrimPolicy policy;
  std::uint64_t delivered = TrimPolicy::kChurn;
  policy.armed(delivered, at(0));
  const int last = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(TrimPolicy::kMaxWait).count());
  int ms = 0;
  for (ms = 100; ms < last; ms += 100) {
    delivered += TrimPolicy::kBusy;
    REQUIRE(policy.check(delivered, at(ms)) == Action::wait);
    policy.armed(delivered, at(ms));
  }
  delivered += TrimPolicy::kBusy;
  CHECK(policy.check(delivered, at(ms)) == Action::trim);
}
