// Retention as one function of a connection, run inside a write transaction: what goes and
// what it takes with it (an identity its memberships, download rights and emptied rooms).
#pragma once

#include <cstdint>

#include "store/connection.h"
#include "store/store.h"

namespace chatcore::store {

Pruned run_prune(Connection& c, const Retention& policy, std::int64_t now_ms);

}  // namespace chatcore::store
