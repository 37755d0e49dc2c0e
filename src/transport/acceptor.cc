#include "transport/acceptor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <grpcpp/server_posix.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "util/log.h"

namespace chatcore::transport {
namespace {

std::mutex g_peers_mutex;
std::unordered_map<int, std::string> g_peers;  // fd -> "ipv4:1.2.3.4:5555"

std::string describe(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (addr.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(addr);
    inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
    return fmt::format("ipv4:{}:{}", host, ntohs(in.sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(addr);
    inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
    return fmt::format("ipv6:[{}]:{}", host, ntohs(in6.sin6_port));
  }
  return "unknown";
}

// A descriptor that costs nothing but can be given back to accept one connection.
int open_spare() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

std::string peer_address(const std::string& grpc_peer) {
  if (grpc_peer.rfind("fd:", 0) != 0) return grpc_peer;
  const int fd = std::atoi(grpc_peer.c_str() + 3);
  const std::lock_guard lock(g_peers_mutex);
  const auto it = g_peers.find(fd);
  return it == g_peers.end() ? grpc_peer : it->second;
}

Acceptor::~Acceptor() {
  stop();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (spare_fd_ >= 0) ::close(spare_fd_);
}

Status Acceptor::bind(const std::string& address, bool reuse_port) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) {
    return Status(Code::invalid_argument, fmt::format("listen address {} has no port", address));
  }
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  if (const int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints,
                                   &found);
      rc != 0) {
    return Status(Code::unavailable,
                  fmt::format("cannot listen on {}: {}", address, ::gai_strerror(rc)));
  }
  std::string why = "no address";
  for (auto* ai = found; ai != nullptr && listen_fd_ < 0; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      listen_fd_ = fd;
    } else {
      why = std::strerror(errno);
      ::close(fd);
    }
  }
  ::freeaddrinfo(found);
  if (listen_fd_ < 0) {
    return Status(Code::unavailable, fmt::format("cannot listen on {}: {}", address, why));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof bound;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = bound.ss_family == AF_INET6
              ? ntohs(reinterpret_cast<const sockaddr_in6&>(bound).sin6_port)
              : ntohs(reinterpret_cast<const sockaddr_in&>(bound).sin_port);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  spare_fd_ = open_spare();
  return {};
}

Status Acceptor::listen() {
  if (::listen(listen_fd_, SOMAXCONN) == 0) return {};
  return Status(Code::unavailable,
                fmt::format("cannot listen on port {}: {}", port_, std::strerror(errno)));
}

void Acceptor::start(grpc::Server& server) {
  thread_ = std::thread([this, &server] { run(server); });
}

void Acceptor::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(listen_fd_);
  listen_fd_ = -1;
}

void Acceptor::run(grpc::Server& server) {
  pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
  bool out_of_fds = false;
  for (;;) {
    // While descriptors are short the backlog is not watched (it would wake us at once): we
    // try again every 100 ms.
    fds[0].events = out_of_fds ? 0 : POLLIN;
    if (::poll(fds, 2, out_of_fds ? 100 : -1) < 0 && errno != EINTR) {
      log::error("listener: poll failed: {}", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    for (;;) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0) {
        if (out_of_fds) log::info("listener: file descriptors are available again");
        out_of_fds = false;
        if (spare_fd_ < 0) spare_fd_ = open_spare();
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        {
          const std::lock_guard lock(g_peers_mutex);
          g_peers[fd] = describe(addr);
        }
        grpc::AddInsecureChannelFromFd(&server, fd);
        continue;
      }
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        if (!out_of_fds) {
          log::warn("listener: out of file descriptors ({}); refusing new connections until "
                    "some close",
                    std::strerror(errno));
        }
        out_of_fds = true;
        shed_one();
      }
      break;  // EAGAIN, or nothing more can be done now
    }
  }
}

// Gives the spare descriptor back to take the waiting connection off the backlog and close
// it at once: its client sees the connection refused instead of hanging.
void Acceptor::shed_one() {
  if (spare_fd_ < 0) return;
  ::close(spare_fd_);
  spare_fd_ = -1;
  const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) ::close(fd);
  spare_fd_ = open_spare();
}

}  // namespace chatcore::transport
