// Compiled with the public include directory only: proves the installed headers stand alone
// and pull in no private or generated header.
#include <chatcore/client.h>
#include <chatcore/config.h>
#include <chatcore/event.h>
#include <chatcore/server.h>
#include <chatcore/service.h>
#include <chatcore/status.h>
#include <chatcore/types.h>

#include <doctest/doctest.h>

TEST_CASE("the public headers are self-contained and usable") {
  chatcore::Config config;
  CHECK(config.limits.max_file_size == (1ull << 30));
  CHECK(config.limits.history == 100);
  chatcore::Status status(chatcore::Code::not_found, "no user named bob");
  CHECK(status.to_string() == "NOT_FOUND: no user named bob");
  chatcore::Result<int> result(chatcore::Code::invalid_argument, "bad");
  CHECK_FALSE(result.ok());
}
