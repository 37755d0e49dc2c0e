// Files across chatd restarts on one data dir: an acknowledged upload is never lost, even
// to a kill -9 right after its answer.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <chatcore/client.h>

#include "chatd_process.h"
#include "raw.h"

namespace chatcore::hardening {
namespace {

namespace fs = std::filesystem;

std::string bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `nick` with an identity of its own, kept under `home`, so it is the same user after a restart.
std::unique_ptr<Client> identity_client(const ChatdProcess& chatd, const test::TempDir& home,
                                        const std::string& nick) {
  ClientOptions options;
  options.identity_file = home.path() / (nick + ".identity");
  options.state_dir = home.path() / (nick + ".state");
  auto client = Client::open(chatd.address(), options);
  REQUIRE_MESSAGE(client.ok(), client.status().to_string());
  auto welcome = (*client)->login(nick, [](const Event&) {}, [](const Status&) {});
  REQUIRE_MESSAGE(welcome.ok(), nick << ": " << welcome.status().to_string());
  return std::move(*client);
}

// chatd itself when it runs under a wrapper (strace): the wrapper's one child.
pid_t wrapped_child(pid_t wrapper) {
  std::ifstream children("/proc/" + std::to_string(wrapper) + "/task/" +
                         std::to_string(wrapper) + "/children");
  pid_t child = 0;
  children >> child;
  return child;
}

}  // namespace

TEST_SUITE("durability") {

TEST_CASE("an upload's answer comes after its record's commit: kill -9 right after it loses nothing") {
  test::TempDir storage;
  test::TempDir home;
  test::TempDir local;
  const auto file = make_file(local, "acked.bin", 30 << 10);
  {
    // The identities exist before the slow run, so it commits little but the file.
    ChatdProcess chatd(storage.path(), 0);
    identity_client(chatd, home, "alice")->close();
    identity_client(chatd, home, "bob")->close();
  }
  std::string id;
  {
    // Every write of the database takes 200 ms: a record committed after the answer would
    // still be on its way when the kill comes.
    auto chatd = std::make_unique<ChatdProcess>(
        storage.path(), 0, std::vector<std::string>{},
        std::vector<std::string>{"strace", "-f", "-qq", "-o", "/dev/null", "-e",
                                 "trace=pwrite64", "-e", "inject=pwrite64:delay_enter=200000"});
    const pid_t chatd_pid = wrapped_child(chatd->pid());
    REQUIRE(chatd_pid > 0);
    auto alice = identity_client(*chatd, home, "alice");
    auto bob = identity_client(*chatd, home, "bob");
    auto sent = alice->upload(file, {.room = {}, .recipient = "bob"});
    REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
    REQUIRE(::kill(chatd_pid, SIGKILL) == 0);
    id = sent->id;
    chatd.reset();
  }
  ChatdProcess chatd(storage.path(), 0);
  auto bob = identity_client(chatd, home, "bob");
  const auto files = bob->list_files();
  REQUIRE(files.ok());
  REQUIRE(files->size() == 1);
  CHECK(files->front().id == id);
  const auto copy = local.path() / "copy";
  REQUIRE(bob->download(id, copy).ok());
  CHECK(bytes_of(copy) == bytes_of(file));
}

}  // TEST_SUITE

}  // namespace chatcore::hardening
