// Running out of file descriptors: a real chatd process under `ulimit -n 256` is flooded with
// connections until accept fails, the connections close, and a new user must get in. Plus
// the server-wide session cap that keeps sessions under the limit in the first place.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "chatd_process.h"
#include "raw.h"
#include "util/fd_limit.h"

namespace chatcore::hardening {
namespace {

int connect_tcp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

TEST_SUITE("fd_limit") {

TEST_CASE("out of file descriptors: once connections close, a new user gets in again") {
  util::raise_fd_limit();  // this process holds 400 sockets of its own
  test::TempDir storage;
  ChatdProcess chatd(storage.path(), 256, {"--handshake-timeout-ms", "60000"});

  auto alice = Client::open(chatd.address());
  REQUIRE(alice.ok());
  REQUIRE((*alice)->login("alice", [](const Event&) {}, [](const Status&) {}).ok());

  // More connections than the server has descriptors: accept must fail at least once.
  std::vector<int> sockets;
  for (int i = 0; i < 400; ++i) {
    const int fd = connect_tcp(chatd.port());
    if (fd >= 0) sockets.push_back(fd);
  }
  chatd.wait_for_line("out of file descriptors", "Too many open files");
  for (const int fd : sockets) ::close(fd);

  // A new user gets in once the server has seen the sockets close; until then it may be
  // refused, so it tries for a while (each attempt waits for the connection itself).
  ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  Status last;
  bool in = false;
  for (int attempt = 0; attempt < 8 && !in; ++attempt) {
    auto bob = Client::open(chatd.address(), options);
    if (!bob.ok()) {
      last = bob.status();
      continue;
    }
    auto welcome = (*bob)->login("bob", [](const Event&) {}, [](const Status&) {});
    last = welcome.status();
    in = welcome.ok();
  }
  REQUIRE_MESSAGE(in, "a new user cannot connect after the descriptors came back: "
                          << last.to_string());
  // The session that was open all along still works.
  CHECK((*alice)->list_rooms().ok());
}

TEST_CASE("server-wide session cap: the login over --max-sessions is refused until one leaves") {
  TestServer server([](Config& c) {
    c.max_sessions = 3;  // the fence user, one and two
    c.max_sessions_per_peer = 0;
  });
  server.round_trip();  // logs the fence user in
  auto first = std::make_unique<TestUser>(server, "one");
  TestUser second(server, "two");

  auto third = Client::open(server.address());
  REQUIRE(third.ok());
  auto refused = (*third)->login("three", [](const Event&) {}, [](const Status&) {});
  CHECK(refused.status().code == Code::resource_exhausted);
  CHECK_MESSAGE(refused.status().message.find("server is full") != std::string::npos,
                refused.status().message);

  first.reset();
  Status last;
  const bool admitted = poll(
      [&] {
        auto r = (*third)->login("three", [](const Event&) {}, [](const Status&) {});
        last = r.status();
        return r.ok();
      },
      [&] { REQUIRE(second->list_rooms().ok()); });
  REQUIRE_MESSAGE(admitted, "login still refused: " << last.to_string());
}

TEST_CASE("the default session cap leaves a quarter of the descriptors free") {
  const auto fds = util::fd_limit();
  const auto sessions = util::sessions_for_fd_limit();
  CHECK(sessions < fds);
  CHECK(fds - sessions >= std::max<std::uint64_t>(64, fds / 4));
}

}  // TEST_SUITE
}  // namespace chatcore::hardening
