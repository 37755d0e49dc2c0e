// A disk that fills up under a running chatd: its data dir is a small tmpfs in a mount
// namespace of its own, mostly taken by a filler file. Messages are acknowledged until the
// store cannot commit; from then on each is refused with RESOURCE_EXHAUSTED and a readable
// message, and none of them is kept. Once the filler goes, writes commit again, and the
// history holds exactly what was acknowledged.
#include <chatcore/client.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "../integration/harness.h"
#include "chatd_process.h"

namespace chatcore::hardening {
namespace {

// Mounts a 4 MiB tmpfs on the data dir ($0) with a 3 MiB filler in it, then runs chatd.
constexpr char kSmallDisk[] =
    "mount --make-rprivate / && mount -t tmpfs -o size=4m tmpfs \"$0\" &&"
    " head -c 3145728 /dev/zero > \"$0/filler\" && exec \"$@\"";

std::unique_ptr<Client> sign_in(const ChatdProcess& chatd, const test::TempDir& home,
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

}  // namespace

TEST_SUITE("disk_full") {

TEST_CASE("a full disk refuses each write with a clear status and keeps none of it") {
  test::TempDir data;
  test::TempDir home;
  ChatdProcess chatd(data.path(), 0, {"--message-rate", "0"}, {"unshare", "-m", "sh", "-c", kSmallDisk, data.path()});
  // The data dir as chatd sees it, inside its mount namespace.
  const auto seen = std::filesystem::path("/proc") / std::to_string(chatd.pid()) / "root" /
                    data.path().relative_path();
  REQUIRE(std::filesystem::exists(seen / "filler"));
  auto alice = sign_in(chatd, home, "alice");
  auto bob = sign_in(chatd, home, "bob");
  REQUIRE(alice->create_room("full").ok());
  REQUIRE(bob->join_room("full").ok());

  const std::string text(4000, 'x');
  std::uint64_t acked = 0;
  Status refused;
  for (int i = 0; i < 1000; ++i) {
    auto sent = alice->send("full", text + std::to_string(i));
    if (!sent.ok()) {
      refused = sent.status();
      break;
    }
    acked = *sent;
  }
  REQUIRE_MESSAGE(refused.code == Code::resource_exhausted, refused.to_string());
  CHECK_MESSAGE(refused.message.find("full") != std::string::npos, refused.to_string());
  CHECK(refused.message.size() < 200);
  CHECK(acked > 0);
  // Reads still work meanwhile. (Whether one more write fits depends on which pages it
  // needs: a small one, or one in another table, may still find room.)
  CHECK(bob->list_rooms().ok());
  CHECK(bob->history("full", 0, 10).ok());
  CHECK(chatd.wait_for_line("none of it saved").find("full") != std::string::npos);

  // Space again: the next write commits, with the id after the last acknowledged one.
  std::filesystem::remove(seen / "filler");
  auto next = alice->send("full", "space again");
  REQUIRE_MESSAGE(next.ok(), next.status().to_string());
  CHECK(*next == acked + 1);

  // The history is every acknowledged message and nothing that was refused.
  std::uint64_t count = 0;
  std::uint64_t before = 0;
  for (;;) {
    auto page = bob->history("full", before, 100);
    REQUIRE_MESSAGE(page.ok(), page.status().to_string());
    for (const auto& m : page->messages) {
      ++count;
      CHECK(m.message_id <= acked + 1);
    }
    if (!page->more || page->messages.empty()) break;
    before = page->messages.front().message_id;
  }
  CHECK(count == acked + 1);
  alice->close();
  bob->close();
  chatd.stop();
}

}  // TEST_SUITE

}  // namespace chatcore::hardening
