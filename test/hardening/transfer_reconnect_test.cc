// Transfers across a chatd restart on one data dir and port, by a client that reconnects by
// itself: an upload and a download cut off mid-flight continue from the offset the server
// (an upload) or the .part file (a download) confirms, and an upload given up leaves nothing.
#include <doctest/doctest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <condition_variable>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <variant>

#include <chatcore/client.h>

#include "chatd_process.h"
#include "raw.h"
#include "util/files.h"

namespace chatcore::hardening {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSize = 24 << 20;
constexpr std::uint64_t kChunk = 64 << 10;  // chatd's default chunk size

std::string bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

bool stored_upload(const fs::path& storage, const std::string& key) {
  SQLite::Database db((storage / "db" / "chatcore.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT 1 FROM uploads WHERE key = ?");
  q.bind(1, key);
  return q.executeStep();
}

// An identity's client that reconnects by itself, counting the sessions it got back.
class Reconnecting {
 public:
  Reconnecting(const std::string& address, const test::TempDir& home, const std::string& nick) {
    ClientOptions options;
    options.identity_file = home.path() / (nick + ".identity");
    options.state_dir = home.path() / (nick + ".state");
    options.reconnect = true;
    options.reconnect_min = std::chrono::milliseconds(50);
    options.reconnect_max = std::chrono::milliseconds(200);
    auto client = Client::open(address, options);
    REQUIRE_MESSAGE(client.ok(), client.status().to_string());
    client_ = std::move(*client);
    // Counted at the Welcome event, not at the connection change: the client takes the new
    // session token from the Welcome, which comes just after.
    auto welcome = client_->login(
        nick,
        [this](const Event& event) {
          if (!std::holds_alternative<Welcome>(event.body)) return;
          std::lock_guard lock(mu_);
          ++welcomes_;
          cv_.notify_all();
        },
        [](const Status&) {});
    REQUIRE_MESSAGE(welcome.ok(), welcome.status().to_string());
  }
  Client& operator*() { return *client_; }
  Client* operator->() { return client_.get(); }
  // Waits (up to 20 s) until the session has come back `n` times in all.
  bool resumed(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return welcomes_ > n; });
  }

 private:
  std::unique_ptr<Client> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  int welcomes_ = 0;  // the login's first
};

// A progress handler that stops chatd (SIGTERM, and waits for it to exit) once `at` bytes
// have been handed over: the transfer is cut off mid-flight wherever the transport is then.
ProgressHandler stop_at(std::unique_ptr<ChatdProcess>& chatd, std::uint64_t at) {
  return [&chatd, at](const Progress& p) {
    if (p.done >= at && chatd) chatd->stop();
    return true;
  };
}

}  // namespace

TEST_SUITE("transfer_reconnect") {

TEST_CASE("an upload and a download cut off by a chatd restart continue where they stopped") {
  test::TempDir storage;
  test::TempDir home;
  test::TempDir local;
  const auto file = make_file(local, "big.bin", kSize);
  // A short grace: the cut-off transfer's client stays silent, so chatd waits it out.
  const std::vector<std::string> grace{"--shutdown-grace-ms", "300"};
  auto chatd = std::make_unique<ChatdProcess>(storage.path(), 0, grace);
  std::vector<std::string> same_port{"--listen", chatd->address()};
  same_port.insert(same_port.end(), grace.begin(), grace.end());
  Reconnecting alice(chatd->address(), home, "alice");
  REQUIRE(alice->create_room("files").ok());
  const std::string key = Client::new_upload_key();

  // The upload: cut off at a quarter by the shutdown, which keeps what arrived.
  const auto cut = alice->upload_resumable(file, {.room = "files", .recipient = {}}, key, stop_at(chatd, kSize / 4));
  REQUIRE_FALSE(cut.ok());
  chatd = std::make_unique<ChatdProcess>(storage.path(), 0, same_port);
  REQUIRE(alice.resumed(1));
  const auto held = alice->upload_status(key);
  REQUIRE_MESSAGE(held.ok(), held.status().to_string());
  CHECK(held->total == kSize);
  CHECK(held->done >= kSize / 8);  // the server synced what it had received
  CHECK(held->done < kSize);

  std::uint64_t first = 0;
  const auto sent = alice->upload_resumable(file, {.room = "files", .recipient = {}}, key, [&](const Progress& p) {
    if (first == 0) first = p.done;
    return true;
  });
  REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
  // The server took only the bytes after those it held, and the whole file hashed right.
  chatd->wait_for_line("resumed at " + std::to_string(held->done) + " of " +
                       std::to_string(kSize) + " bytes");
  CHECK(first > held->done);
  CHECK(first <= held->done + kChunk);
  util::Sha256 sha;
  sha.update(bytes_of(file));
  CHECK(sent->sha256 == sha.hex());
  CHECK(entries(storage.path() / "partial") == 0);

  // The download: cut off the same way, at its first chunk (the transport may hold several
  // MiB more by then); the .part beside the destination keeps its bytes.
  const auto copy = local.path() / "copy.bin";
  const auto part = local.path() / (".copy.bin." + sent->id + ".part");
  const auto broken = alice->download_resumable(sent->id, copy, false, stop_at(chatd, kChunk));
  REQUIRE_FALSE(broken.ok());
  CHECK_FALSE(fs::exists(copy));
  REQUIRE(fs::exists(part));
  const std::uint64_t kept = fs::file_size(part);
  CHECK(kept >= kChunk);
  CHECK(kept < kSize);
  chatd = std::make_unique<ChatdProcess>(storage.path(), 0, same_port);
  REQUIRE(alice.resumed(2));

  first = 0;
  const auto got = alice->download_resumable(sent->id, copy, false, [&](const Progress& p) {
    if (first == 0) first = p.done;
    return true;
  });
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  chatd->wait_for_line("resumed at " + std::to_string(kept) + " of " + std::to_string(kSize) +
                       " bytes");
  CHECK(first > kept);
  CHECK(first <= kept + kChunk);
  CHECK(bytes_of(copy) == bytes_of(file));
  CHECK_FALSE(fs::exists(part));
}

TEST_CASE("an upload given up after a restart leaves nothing on the server") {
  test::TempDir storage;
  test::TempDir home;
  test::TempDir local;
  const auto file = make_file(local, "gone.bin", kSize);
  // A short grace: the cut-off transfer's client stays silent, so chatd waits it out.
  const std::vector<std::string> grace{"--shutdown-grace-ms", "300"};
  auto chatd = std::make_unique<ChatdProcess>(storage.path(), 0, grace);
  std::vector<std::string> same_port{"--listen", chatd->address()};
  same_port.insert(same_port.end(), grace.begin(), grace.end());
  Reconnecting alice(chatd->address(), home, "alice");
  REQUIRE(alice->create_room("files").ok());
  const std::string key = Client::new_upload_key();
  REQUIRE_FALSE(alice->upload_resumable(file, {.room = "files", .recipient = {}}, key, stop_at(chatd, kSize / 4)).ok());
  chatd = std::make_unique<ChatdProcess>(storage.path(), 0, same_port);
  REQUIRE(alice.resumed(1));
  REQUIRE(entries(storage.path() / "partial") == 1);
  REQUIRE(stored_upload(storage.path(), key));

  // Given up while waiting for the server: the kept part and its record go.
  const auto dropped = alice->upload_discard(key);
  REQUIRE_MESSAGE(dropped.ok(), dropped.status().to_string());
  CHECK(dropped->total == kSize);
  chatd->wait_for_line("given up at " + std::to_string(dropped->done));
  CHECK(alice->upload_status(key)->total == 0);
  CHECK(poll([&] { return entries(storage.path() / "partial") == 0; },
             [&] { (void)alice->list_rooms(); }));
  CHECK(poll([&] { return !stored_upload(storage.path(), key); },
             [&] { (void)alice->list_rooms(); }));

  // Cancelled by the progress handler in the middle of a resumed attempt: the same.
  const std::string other = Client::new_upload_key();
  const auto cancelled = alice->upload_resumable(file, {.room = "files", .recipient = {}}, other,
                                                 [](const Progress& p) { return p.done < kSize / 4; });
  CHECK(cancelled.status().code == Code::cancelled);
  CHECK(alice->upload_status(other)->total == 0);
  CHECK(poll([&] { return entries(storage.path() / "partial") == 0; },
             [&] { (void)alice->list_rooms(); }));
  CHECK(poll([&] { return !stored_upload(storage.path(), other); },
             [&] { (void)alice->list_rooms(); }));
}

}  // TEST_SUITE

}  // namespace chatcore::hardening
