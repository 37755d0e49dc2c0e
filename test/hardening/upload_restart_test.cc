// Files and interrupted uploads across chatd restarts on one data dir: an identity's upload
// that was cut off continues after a kill -9, start-up deletes what nobody can use any more
// (and says so), the quota counts only what is left, and an acknowledged upload is never lost.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <chatcore/client.h>

#include "../integration/identity_client.h"
#include "chatd_process.h"
#include "raw.h"
#include "util/files.h"

namespace chatcore::hardening {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kCut = 64 << 10;  // one chunk: what reaches the server before the cut

std::string bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string sha256_of(const fs::path& path) {
  util::Sha256 sha;
  sha.update(bytes_of(path));
  return sha.hex();
}

void write_bytes(const fs::path& path, std::size_t size) {
  std::ofstream(path, std::ios::binary) << std::string(size, 'x');
}

std::size_t entries(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

std::unique_ptr<Client> identity_client(const ChatdProcess& chatd, const test::TempDir& home,
                                        const std::string& nick) {
  return test::identity_client(chatd.address(), home, nick);
}

// alice's resumable upload of `file` to bob, cut off by the client after its first chunk,
// kept by the server and (a DM's commit comes after it) committed in the store.
void cut_off(ChatdProcess& chatd, const fs::path& storage, Client& alice, Client& bob,
             const fs::path& file, const std::string& key) {
  RawUpload cut(chatd.address());
  v1::UploadRequest request;
  auto* m = request.mutable_meta();
  m->set_session(alice.welcome().session);
  m->set_name(file.filename().string());
  m->set_size(fs::file_size(file));
  m->set_recipient("bob");
  m->set_sha256(sha256_of(file));
  m->set_upload_key(key);
  REQUIRE(cut.write(request));
  cut.chunk(bytes_of(file).substr(0, kCut));
  const auto partial = [&] {
    for (const auto& e : fs::directory_iterator(storage / "partial")) {
      std::error_code ec;
      if (e.file_size(ec) == kCut) return true;
    }
    return false;
  };
  REQUIRE(poll(partial, [&] { (void)bob.list_rooms(); }));
  cut.cancel();
  (void)cut.finish();
  chatd.wait_for_line("kept for resuming at " + std::to_string(kCut));
  REQUIRE(alice.send_direct("bob", "cut").ok());
}

// Bytes of the upload under `key` that the store has recorded, or -1 if it has none.
std::int64_t stored_received(const fs::path& storage, const std::string& key) {
  SQLite::Database db((storage / "db" / "chatcore.db").string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT received FROM uploads WHERE key = ?");
  q.bind(1, key);
  return q.executeStep() ? q.getColumn(0).getInt64() : -1;
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

TEST_SUITE("upload_restart") {

TEST_CASE("upload resume: an identity's cut-off upload continues after kill -9 and a restart") {
  constexpr std::size_t kSize = 96 << 10;
  test::TempDir storage;
  test::TempDir home;
  test::TempDir local;
  const auto file = make_file(local, "resume.bin", kSize);
  const std::string key = Client::new_upload_key();
  // Room for the upload and 4 KiB more: the kept part must count once, not twice.
  const std::vector<std::string> quota{"--storage-quota", std::to_string(kSize + (4 << 10))};
  {
    auto chatd = std::make_unique<ChatdProcess>(storage.path(), 0, quota);
    auto alice = identity_client(*chatd, home, "alice");
    auto bob = identity_client(*chatd, home, "bob");
    cut_off(*chatd, storage.path(), *alice, *bob, file, key);
    ::kill(chatd->pid(), SIGKILL);
    chatd.reset();
  }
  ChatdProcess chatd(storage.path(), 0, quota);
  CHECK(chatd.wait_for_line("kept for resuming").find("1 interrupted upload(s) (64.0 KiB)") !=
        std::string::npos);
  auto alice = identity_client(chatd, home, "alice");
  auto bob = identity_client(chatd, home, "bob");
  const auto held = alice->upload_status(key);
  REQUIRE_MESSAGE(held.ok(), held.status().to_string());
  CHECK(held->done == kCut);
  CHECK(held->total == kSize);
  // The key is alice's identity's: bob sees nothing under it.
  CHECK(bob->upload_status(key)->total == 0);

  // The kept 64 KiB count against the quota: 40 KiB more do not fit.
  const auto big = make_file(local, "big.bin", 40 << 10);
  CHECK(bob->upload(big, {.room = {}, .recipient = "alice"}).status().code ==
        Code::resource_exhausted);

  std::uint64_t first = 0;
  const auto info = alice->upload_resumable(file, {.room = {}, .recipient = "bob"}, key,
                                            [&](const Progress& p) {
                                              if (first == 0) first = p.done;
                                              return true;
                                            });
  REQUIRE_MESSAGE(info.ok(), info.status().to_string());
  CHECK(first > kCut);  // continued, not started over
  chatd.wait_for_line("resumed at " + std::to_string(kCut) + " of " + std::to_string(kSize));
  const auto copy = local.path() / "copy";
  REQUIRE(bob->download(info->id, copy).ok());
  CHECK(bytes_of(copy) == bytes_of(file));
  CHECK(entries(storage.path() / "partial") == 0);
  CHECK(alice->upload_status(key)->total == 0);
  // The finished file counts as its size, once: exactly 4 KiB are left.
  CHECK(bob->upload(make_file(local, "small.bin", 4 << 10), {.room = {}, .recipient = "alice"})
            .ok());
  alice->close();
  bob->close();
}

TEST_CASE("upload resume: an upload cut off by a kill -9 of chatd continues from what it synced") {
  constexpr std::size_t kSize = 256 << 10;
  test::TempDir storage;
  test::TempDir home;
  test::TempDir local;
  const auto file = make_file(local, "crash.bin", kSize);
  const std::string key = Client::new_upload_key();
  {
    auto chatd = std::make_unique<ChatdProcess>(storage.path(), 0);
    auto alice = identity_client(*chatd, home, "alice");
    auto bob = identity_client(*chatd, home, "bob");
    RawUpload running(chatd->address());
    v1::UploadRequest request;
    auto* m = request.mutable_meta();
    m->set_session(alice->welcome().session);
    m->set_name(file.filename().string());
    m->set_size(kSize);
    m->set_recipient("bob");
    m->set_sha256(sha256_of(file));
    m->set_upload_key(key);
    REQUIRE(running.write(request));
    running.chunk(bytes_of(file).substr(0, kCut));
    // The upload still runs: the server recorded its first chunk as synced (an fdatasync and
    // a commit later, which a loaded or sanitized build takes its time over).
    REQUIRE(poll([&] { return stored_received(storage.path(), key) == kCut; },
                 [&] { (void)bob->list_rooms(); }, 5000));
    ::kill(chatd->pid(), SIGKILL);
    chatd.reset();
    (void)running.finish();
  }
  ChatdProcess chatd(storage.path(), 0);
  auto alice = identity_client(chatd, home, "alice");
  auto bob = identity_client(chatd, home, "bob");
  const auto held = alice->upload_status(key);
  REQUIRE_MESSAGE(held.ok(), held.status().to_string());
  CHECK(held->done == kCut);
  std::uint64_t first = 0;
  const auto info = alice->upload_resumable(file, {.room = {}, .recipient = "bob"}, key,
                                            [&](const Progress& p) {
                                              if (first == 0) first = p.done;
                                              return true;
                                            });
  REQUIRE_MESSAGE(info.ok(), info.status().to_string());
  CHECK(first > kCut);
  const auto copy = local.path() / "copy";
  REQUIRE(bob->download(info->id, copy).ok());
  CHECK(bytes_of(copy) == bytes_of(file));
  alice->close();
  bob->close();
}

TEST_CASE("start-up removes unknown files and expired or unknown partial uploads, and logs it") {
  test::TempDir storage;
  test::TempDir home;
  test::TempDir local;
  const auto known = make_file(local, "known.bin", 20 << 10);
  const auto cut = make_file(local, "cut.bin", 96 << 10);
  const std::string key = Client::new_upload_key();
  std::string known_id;
  {
    ChatdProcess chatd(storage.path(), 0);
    auto alice = identity_client(chatd, home, "alice");
    auto bob = identity_client(chatd, home, "bob");
    auto sent = alice->upload(known, {.room = {}, .recipient = "bob"});
    REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
    known_id = sent->id;
    cut_off(chatd, storage.path(), *alice, *bob, cut, key);
    alice->close();
    bob->close();
  }
  {
    // Not continued for longer than --resume-minutes (60), as far as the store knows.
    SQLite::Database db((storage.path() / "db" / "chatcore.db").string(), SQLite::OPEN_READWRITE);
    SQLite::Statement age(db, "UPDATE uploads SET updated_ms = updated_ms - 61 * 60000");
    REQUIRE(age.exec() == 1);
  }
  const std::string stray(32, 'e');
  write_bytes(storage.path() / stray, 300 << 10);             // a file nobody registered
  write_bytes(storage.path() / (stray + ".part"), 10 << 10);  // a crashed upload's temporary
  write_bytes(storage.path() / "partial" / stray, 50 << 10);  // a part nobody stored
  write_bytes(storage.path() / "notes.txt", 1 << 10);         // not the server's: left alone

  // Only the known file counts: 20 KiB of 70, so 48 KiB more fit.
  ChatdProcess chatd(storage.path(), 0, {"--storage-quota", std::to_string(70 << 10)});
  const auto line = chatd.wait_for_line("start-up removed");
  CHECK_MESSAGE(line.find("1 file(s) the registry does not know (300.0 KiB)") != std::string::npos,
                line);
  CHECK_MESSAGE(line.find("3 partial upload(s) (124.0 KiB)") != std::string::npos, line);
  CHECK(fs::exists(storage.path() / known_id));
  CHECK(fs::exists(storage.path() / "notes.txt"));
  CHECK_FALSE(fs::exists(storage.path() / stray));
  CHECK_FALSE(fs::exists(storage.path() / (stray + ".part")));
  CHECK(entries(storage.path() / "partial") == 0);
  {
    SQLite::Database db((storage.path() / "db" / "chatcore.db").string());
    // Its removal was submitted before anything was served; a DM's commit follows it.
    auto bob = identity_client(chatd, home, "bob");
    REQUIRE(bob->send_direct("alice", "after").ok());
    CHECK(db.execAndGet("SELECT count(*) FROM uploads").getInt() == 0);
  }
  auto alice = identity_client(chatd, home, "alice");
  CHECK(alice->upload_status(key)->total == 0);
  CHECK(alice->upload(make_file(local, "fits.bin", 48 << 10), {.room = {}, .recipient = "alice"})
            .ok());
  alice->close();
}

}  // TEST_SUITE

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
