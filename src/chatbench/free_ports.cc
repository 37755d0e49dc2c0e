#include "free_ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <random>

namespace chatbench {
namespace {

constexpr int kLowest = 10000;  // clear of the well-known and most registered service ports

// The first port of the kernel's ephemeral range (Linux default 32768).
int ephemeral_start() {
  int low = 32768;
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  if (!(range >> low)) low = 32768;
  return low;
}

// Binds `port` on loopback (0: any port) and returns the open socket, or -1.
int bind_loopback(int port, int& bound) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  bound = ntohs(addr.sin_port);
  return fd;
}

}  // namespace

std::vector<int> free_ports(int count) {
  const int high = ephemeral_start();
  std::vector<int> fds, ports;
  std::random_device seed;
  std::mt19937 pick(seed());
  for (int i = 0; i < count; ++i) {
    int port = 0, fd = -1;
    if (high - kLowest >= 1000) {
      std::uniform_int_distribution<int> any(kLowest, high - 1);
      // A busy port (another server, or one already chosen and held here) fails to bind.
      for (int tries = 0; tries < 200 && fd < 0; ++tries) fd = bind_loopback(any(pick), port);
    }
    if (fd < 0) fd = bind_loopback(0, port);
    ports.push_back(fd < 0 ? 0 : port);
    if (fd >= 0) fds.push_back(fd);
  }
  for (const int fd : fds) ::close(fd);
  return ports;
}

}  // namespace chatbench
