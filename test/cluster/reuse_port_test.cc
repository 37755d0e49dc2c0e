// --reuse-port: two chatd that both ask for it serve one port (either one carries on alone
// when the other stops); without it the second is refused, as a busy port always was.
#include <doctest/doctest.h>

#include <chatcore/client.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "../hardening/chatd_process.h"
#include "../integration/harness.h"

namespace chatcore::cluster_test {
namespace {

using hardening::ChatdProcess;
using test::TempDir;

// Runs chatd to its end (it is expected to give up); its exit code and everything it logged.
std::pair<int, std::string> run_chatd(const std::filesystem::path& dir,
                                      const std::string& flags) {
  std::filesystem::create_directories(dir);
  const auto log = dir / "refused.log";
  const std::string command = std::string(std::getenv("CHATD")) + " --data-dir '" +
                              (dir / "db").string() + "' " + flags + " 2>'" + log.string() + "'";
  const int status = std::system(command.c_str());
  std::string text;
  if (FILE* f = std::fopen(log.c_str(), "r")) {
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) text.append(buf, n);
    std::fclose(f);
  }
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, text};
}

void logs_in(const std::string& address, const std::string& nick) {
  auto client = Client::open(address);
  REQUIRE_MESSAGE(client.ok(), client.status().message);
  auto welcome = (*client)->login(nick, [](const Event&) {}, [](const Status&) {});
  REQUIRE_MESSAGE(welcome.ok(), welcome.status().message);
}

}  // namespace

TEST_SUITE_BEGIN("reuse_port");

TEST_CASE("two chatd with --reuse-port share one port, and each serves it alone") {
  TempDir dir;
  auto first = std::make_unique<ChatdProcess>(dir.path() / "a", 0,
                                              std::vector<std::string>{"--reuse-port"});
  const auto address = first->address();
  ChatdProcess second(dir.path() / "b", 0, {"--listen", address, "--reuse-port"});
  CHECK(second.address() == address);
  logs_in(address, "alice");
  // Only the second one is left on the port: new connections reach it.
  first->stop();
  first.reset();
  logs_in(address, "bob");
}

TEST_CASE("without --reuse-port a busy port is refused, whichever side asked for it") {
  TempDir dir;
  ChatdProcess first(dir.path() / "a", 0);
  auto [code, log] = run_chatd(dir.path() / "b", "--listen " + first.address());
  CHECK(code == 1);
  CHECK(log.find("cannot listen on " + first.address()) != std::string::npos);
  // Asking for it alone is not enough: the port's first owner did not share it.
  std::tie(code, log) = run_chatd(dir.path() / "c", "--reuse-port --listen " + first.address());
  CHECK(code == 1);
  logs_in(first.address(), "carol");
}

TEST_SUITE_END();

}  // namespace chatcore::cluster_test
