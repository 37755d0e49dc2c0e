// The free-space rule for uploads: a reserve proportional to the file system (so a small disk
// still takes small files), and a refusal that names free, kept-free, held and needed bytes.
#include <doctest/doctest.h>

#include "util/files.h"

using chatcore::Code;
namespace util = chatcore::util;

TEST_CASE("the disk reserve is 5 % of the file system, at most 64 MiB") {
  CHECK(util::disk_reserve(30'000'000) == 1'500'000);
  CHECK(util::disk_reserve(100ull << 30) == 64ull << 20);
}

TEST_CASE("a 30 MB file system takes a 1000-byte upload") {
  // 28 MB free of 30 MB: the old fixed 64 MiB reserve refused everything as "0 B free".
  CHECK(util::check_space(28'000'000, 30'000'000, 1000, 0).ok());
  CHECK(util::check_space(28'000'000, 30'000'000, 26'000'000, 0).ok());
  const auto full = util::check_space(28'000'000, 30'000'000, 27'000'000, 0);
  CHECK(full.code == Code::resource_exhausted);
  CHECK_MESSAGE(full.message.find("26.7 MiB free (1.4 MiB kept free); the file needs 25.7 MiB") !=
                    std::string::npos,
                full.message);
}

TEST_CASE("bytes held by other uploads are named apart from what the file needs") {
  const std::uint64_t gib = 1ull << 30;
  const auto refused = util::check_space(3 * gib, 100 * gib, 20ull << 20, 3 * gib);
  CHECK(refused.code == Code::resource_exhausted);
  CHECK_MESSAGE(refused.message.find("3.0 GiB free (64.0 MiB kept free, 3.0 GiB held by other "
                                     "uploads in progress); the file needs 20.0 MiB") !=
                    std::string::npos,
                refused.message);
  CHECK(util::check_space(3 * gib, 100 * gib, 20ull << 20, gib).ok());
}
