#include "util/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace chatcore::util {

std::uint64_t fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
    return 1u << 20;
  }
  return limit.rlim_cur;
}

std::uint64_t raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  return fd_limit();
}

std::size_t sessions_for_fd_limit() {
  const std::uint64_t fds = fd_limit();
  const std::uint64_t reserve = std::max<std::uint64_t>(64, fds / 4);
  return static_cast<std::size_t>(std::max<std::uint64_t>(16, fds > reserve ? fds - reserve : 0));
}

}  // namespace chatcore::util
