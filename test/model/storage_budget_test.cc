#include "transport/storage_budget.h"

#include <doctest/doctest.h>

#include <utility>

using chatcore::Code;
using chatcore::transport::Reservation;
using chatcore::transport::StorageBudget;

TEST_CASE("reservations count against the quota from the start and are released on failure") {
  StorageBudget budget(1000);
  budget.set_stored(400);
  auto a = budget.reserve(500);
  REQUIRE(a.ok());
  CHECK(budget.reserved() == 500);
  const auto refused = budget.reserve(200);
  CHECK(refused.status().code == Code::resource_exhausted);
  CHECK(refused.status().message.find("100 B free") != std::string::npos);
  a->release();
  CHECK(budget.reserved() == 0);
  CHECK(budget.reserve(200).ok());  // released again at once: the temporary goes away
  CHECK(budget.reserved() == 0);
}

TEST_CASE("a committed reservation becomes stored bytes") {
  StorageBudget budget(1000);
  auto a = budget.reserve(300);
  REQUIRE(a.ok());
  Reservation held = std::move(*a);
  CHECK(held.held());
  CHECK_FALSE(a->held());
  held.commit();
  CHECK_FALSE(held.held());
  CHECK(budget.stored() == 300);
  CHECK(budget.reserved() == 0);
  held.release();  // nothing left to release
  CHECK(budget.stored() == 300);
}

TEST_CASE("a reservation is released when it goes out of scope") {
  StorageBudget budget(0);  // no quota
  {
    auto a = budget.reserve(1ull << 40);
    REQUIRE(a.ok());
    CHECK(budget.reserved() == 1ull << 40);
  }
  CHECK(budget.reserved() == 0);
}

TEST_CASE("a kept part counts until it is freed, and a resume reserves only the rest") {
  StorageBudget budget(1000);
  budget.added(600);  // an interrupted upload's part, kept for resuming
  CHECK(budget.stored() == 600);
  CHECK(budget.reserve(500).status().code == Code::resource_exhausted);
  // Its resume of a 900-byte file reserves the 300 bytes still to come.
  auto rest = budget.reserve(300);
  REQUIRE(rest.ok());
  rest->commit();
  CHECK(budget.stored() == 900);
  budget.freed(900);  // the finished file is deleted
  CHECK(budget.stored() == 0);
}
