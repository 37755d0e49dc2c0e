// Resumable uploads on the real chatd binary: a client killed mid-upload continues where the
// server stopped, the file arrives byte-identical, and nobody else can see or take the key.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>
#include <string>

#include <chatcore/client.h>

#include "chatd_process.h"
#include "raw.h"

namespace chatcore::hardening {
namespace {

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::size_t entries(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

// The metadata of a resumable upload to bob.
v1::UploadRequest meta_to_bob(const std::string& session, const std::string& name,
                              std::uint64_t size, const std::string& key,
                              std::uint64_t offset = 0) {
  v1::UploadRequest request;
  auto* m = request.mutable_meta();
  m->set_session(session);
  m->set_name(name);
  m->set_size(size);
  m->set_recipient("bob");
  m->set_sha256(std::string(64, 'a'));
  m->set_upload_key(key);
  m->set_offset(offset);
  return request;
}

// Bytes of the one partial file the server holds, or 0.
std::uintmax_t partial_bytes(const std::filesystem::path& storage) {
  for (const auto& e : std::filesystem::directory_iterator(storage / "partial")) {
    std::error_code ec;
    const auto n = e.file_size(ec);
    return ec ? 0 : n;
  }
  return 0;
}

std::unique_ptr<Client> logged_in(const std::string& address, const std::string& nick,
                                  Client* other) {
  auto client = Client::open(address);
  REQUIRE(client.ok());
  // An earlier session under this name ends once the server sees its connection go.
  REQUIRE(poll([&] { return (*client)->login(nick, [](const Event&) {}, [](const Status&) {}).ok(); },
               [&] { if (other != nullptr) (void)other->list_rooms(); }));
  return std::move(*client);
}

}  // namespace

TEST_SUITE("transfers") {

TEST_CASE("upload resume: a client killed mid-upload continues where the server stopped") {
  constexpr std::size_t kSize = 8 << 20;
  test::TempDir storage;
  test::TempDir local;
  ChatdProcess chatd(storage.path(), 0);
  auto bob = logged_in(chatd.address(), "bob", nullptr);
  const auto file = make_file(local, "resume.bin", kSize);
  const std::string key = Client::new_upload_key();

  const int child =
      spawn_self({"--upload-child", chatd.address(), "alice", "bob", file.string(), key}, "half");
  // Killed once some of it is on the server's disk.
  CHECK(poll([&] { return partial_bytes(storage.path()) > 0; }, [&] { (void)bob->list_rooms(); }));
  REQUIRE(::kill(child, SIGKILL) == 0);
  int wstatus = 0;
  REQUIRE(::waitpid(child, &wstatus, 0) == child);

  // Until the server has seen the killed client's call end and synced what it has, the
  // upload counts as running.
  chatd.wait_for_line("kept for resuming at");
  auto alice = logged_in(chatd.address(), "alice", bob.get());
  const auto held = alice->upload_status(key);
  REQUIRE_MESSAGE(held.ok(), held.status().to_string());
  CHECK(held->total == kSize);
  // What had reached the server's disk when the client died (the client had handed half the
  // file to its transport; flow control holds back part of that).
  CHECK(held->done > 0);
  CHECK(held->done < kSize);
  CHECK(entries(storage.path() / "partial") == 1);

  // The key is alice's: for anyone else the server holds nothing under it.
  const auto bobs_view = bob->upload_status(key);
  REQUIRE(bobs_view.ok());
  CHECK(bobs_view->total == 0);

  std::uint64_t first = 0;
  std::uint64_t last = 0;
  bool started_over = false;  // the client falls back to offset 0 when a resume fails
  const auto info = alice->upload_resumable(file, {.room = {}, .recipient = "bob"}, key,
                                            [&](const Progress& p) {
                                              if (first == 0) first = p.done;
                                              started_over = started_over || p.done < last;
                                              last = p.done;
                                              return true;
                                            });
  REQUIRE_MESSAGE(info.ok(), info.status().to_string());
  CHECK_FALSE(started_over);
  CHECK(first > held->done);
  CHECK(first <= held->done + (64 << 10));  // nothing before the held offset was sent again
  chatd.wait_for_line("resumed at " + std::to_string(held->done) + " of " +
                      std::to_string(kSize) + " bytes");
  CHECK(info->sha256.size() == 64);

  for (Client* who : {bob.get(), alice.get()}) {
    const auto copy = local.path() / ("copy-" + who->welcome().nickname);
    const auto got = who->download(info->id, copy);
    REQUIRE_MESSAGE(got.ok(), got.status().to_string());
    CHECK(contents(copy) == contents(file));
  }
  CHECK(entries(storage.path() / "partial") == 0);
  const auto after = alice->upload_status(key);
  REQUIRE(after.ok());
  CHECK(after->total == 0);
  alice->close();
  bob->close();
}

TEST_CASE("upload resume: a wrong offset or a changed file is refused with the reason") {
  test::TempDir storage;
  test::TempDir local;
  ChatdProcess chatd(storage.path(), 0);
  auto bob = logged_in(chatd.address(), "bob", nullptr);
  auto alice = logged_in(chatd.address(), "alice", bob.get());
  const std::string key = Client::new_upload_key();
  auto meta = [&](std::uint64_t size, std::uint64_t offset, const std::string& k) {
    return meta_to_bob(alice->welcome().session, "part.bin", size, k, offset);
  };
  {
    RawUpload cut(chatd.address());
    REQUIRE(cut.write(meta(1 << 20, 0, key)));
    cut.chunk(std::string(64 << 10, 'p'));
    // Cut off once the chunk is on the server's disk.
    REQUIRE(poll([&] { return partial_bytes(storage.path()) == 64 << 10; },
                 [&] { (void)bob->list_rooms(); }));
    cut.cancel();
    (void)cut.finish();
  }
  chatd.wait_for_line("kept for resuming at");
  const auto held = alice->upload_status(key);
  REQUIRE_MESSAGE(held.ok(), held.status().to_string());
  CHECK(held->done == 64 << 10);

  RawUpload wrong_offset(chatd.address());
  wrong_offset.write(meta(1 << 20, 1000, key));
  auto status = wrong_offset.finish();
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::FAILED_PRECONDITION, status_text(status));
  CHECK(status.error_message().find("holds 65536 bytes") != std::string::npos);

  RawUpload other_size(chatd.address());
  other_size.write(meta(2 << 20, 64 << 10, key));
  status = other_size.finish();
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT, status_text(status));

  RawUpload bad_key(chatd.address());
  bad_key.write(meta(1 << 20, 0, "Short\x1b"));
  status = bad_key.finish();
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT, status_text(status));
  CHECK(status.error_message().find("upload_key") != std::string::npos);

  // The refused attempts left what the server holds as it was.
  const auto still = alice->upload_status(key);
  REQUIRE(still.ok());
  CHECK(still->done == 64 << 10);
  alice->close();
  bob->close();
}

TEST_CASE("start-up removes interrupted uploads it cannot resume, and logs them") {
  test::TempDir storage;
  std::string partial_name;
  {
    ChatdProcess chatd(storage.path(), 0);
    auto bob = logged_in(chatd.address(), "bob", nullptr);
    auto alice = logged_in(chatd.address(), "alice", bob.get());
    RawUpload cut(chatd.address());
    REQUIRE(cut.write(
        meta_to_bob(alice->welcome().session, "cut.bin", 1 << 20, Client::new_upload_key())));
    cut.chunk(std::string(64 << 10, 'c'));
    REQUIRE(poll([&] { return entries(storage.path() / "partial") == 1; },
                 [&] { (void)bob->list_rooms(); }));
    partial_name = std::filesystem::directory_iterator(storage.path() / "partial")->path()
                       .filename().string();
    alice->close();
    bob->close();
    chatd.stop();  // the upload is cut off by the shutdown and kept
    (void)cut.finish();
    CHECK(entries(storage.path() / "partial") == 1);
  }
  // A guest's upload is never stored: nothing can continue it after the restart.
  ChatdProcess again(storage.path(), 0);
  const auto line = again.wait_for_line("start-up removed");
  CHECK_MESSAGE(line.find("1 partial upload(s) (64.0 KiB)") != std::string::npos, line);
  CHECK_FALSE(std::filesystem::exists(storage.path() / "partial" / partial_name));
  CHECK(entries(storage.path() / "partial") == 0);
}

}  // TEST_SUITE

}  // namespace chatcore::hardening
