// identity_client: a chatcore::Client signed in with an identity of its own, whose secret and
// resume position are kept under a test's dir, so the same user comes back after a restart.
#pragma once

#include <chatcore/client.h>

#include <memory>
#include <string>

#include "harness.h"

namespace chatcore::test {

// Signed in as `nick` at `address`; fails the test on refusal.
std::unique_ptr<Client> identity_client(const std::string& address, const TempDir& home,
                                        const std::string& nick);

}  // namespace chatcore::test
