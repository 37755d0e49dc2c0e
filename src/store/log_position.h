// The replicated log's applied position inside a replica's database: the stream sequence of
// the last command whose effect is committed, written in that command's own transaction.
#pragma once

#include <cstdint>

#include "store/connection.h"

namespace chatcore::store {

// Inside the writer's open transaction.
void mark_applied(Connection& c, std::uint64_t seq);
std::uint64_t read_applied(Connection& c);

}  // namespace chatcore::store
