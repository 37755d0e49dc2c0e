#include "model/token_bucket.h"

#include <doctest/doctest.h>

using chatcore::model::TokenBucket;

TEST_CASE("a burst is allowed, then one token per 1/rate seconds") {
  TokenBucket bucket(2, 3);  // a burst of 3, then 2 per second
  const double t0 = 100;
  CHECK(bucket.take(t0) == 0);
  CHECK(bucket.take(t0) == 0);
  CHECK(bucket.take(t0) == 0);
  const double wait = bucket.take(t0);
  CHECK(wait == doctest::Approx(0.5));
  CHECK(bucket.take(t0 + 0.25) == doctest::Approx(0.25));  // refused calls take nothing
  CHECK(bucket.take(t0 + 0.5) == 0);
  CHECK(bucket.take(t0 + 0.5) > 0);
}

TEST_CASE("tokens never pile up beyond the burst") {
  TokenBucket bucket(10, 2);
  CHECK(bucket.take(0) == 0);
  // An hour idle still allows only the burst.
  CHECK(bucket.take(3600) == 0);
  CHECK(bucket.take(3600) == 0);
  CHECK(bucket.take(3600) > 0);
}

TEST_CASE("rate 0 means unlimited") {
  TokenBucket bucket(0, 0);
  for (int i = 0; i < 10000; ++i) REQUIRE(bucket.take(0) == 0);
}
