#include "util/hex.h"

#include <doctest/doctest.h>

#include <array>
#include <set>

using chatcore::util::random_hex;
using chatcore::util::to_hex;

TEST_CASE("hex: lowercase, two digits per byte, leading zeros kept") {
  const std::array<unsigned char, 5> bytes = {0x00, 0x0f, 0xa0, 0xff, 0x7e};
  CHECK(to_hex(bytes) == "000fa0ff7e");
  CHECK(to_hex({}).empty());
}

TEST_CASE("random_hex: the asked length, and no two alike") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const auto token = random_hex(16);
    REQUIRE(token);
    CHECK(token->size() == 32);
    CHECK(token->find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(*token);
  }
  CHECK(seen.size() == 50);
}
