// The process's file descriptor limit: raising it to what the system allows, and the number
// of sessions that leaves room under it for transfers, the disk pool and gRPC itself.
#pragma once

#include <cstddef>
#include <cstdint>

namespace chatcore::util {

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit in force after.
std::uint64_t raise_fd_limit();
// The current soft RLIMIT_NOFILE.
std::uint64_t fd_limit();
// fd_limit() minus a quarter of it (at least 64), and at least 16.
std::size_t sessions_for_fd_limit();

}  // namespace chatcore::util
