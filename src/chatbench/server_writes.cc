#include "chatbench/server_writes.h"

#include <arpa/inet.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <charconv>
#include <filesystem>

namespace chatbench {

std::int64_t data_segments_from(int port) {
  std::int64_t sum = 0;
  bool any = false;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    const std::string name = entry.path().filename().string();
    int fd = -1;
    std::from_chars(name.data(), name.data() + name.size(), fd);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    int peer_port = 0;
    if (peer.ss_family == AF_INET) {
      peer_port = ntohs(reinterpret_cast<const sockaddr_in&>(peer).sin_port);
    } else if (peer.ss_family == AF_INET6) {
      peer_port = ntohs(reinterpret_cast<const sockaddr_in6&>(peer).sin6_port);
    }
    if (peer_port != port) continue;
    tcp_info info{};
    socklen_t info_len = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &info_len) != 0) continue;
    // Older kernels return a shorter struct without the field.
    if (info_len < offsetof(tcp_info, tcpi_data_segs_in) + sizeof info.tcpi_data_segs_in) continue;
    sum += info.tcpi_data_segs_in;
    any = true;
  }
  return any ? sum : -1;
}

int port_of(const std::string_view& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) return 0;
  int port = 0;
  std::from_chars(address.data() + colon + 1, address.data() + address.size(), port);
  return port;
}

}  // namespace chatbench
