// Transfers cut short by the server, on the real chatd binary whose log lines the test reads:
// shutdown in the middle of an upload is reported as what it is, and a transfer that stops
// moving is cancelled after --transfer-idle-s and frees what it held.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include <chatcore/client.h>

#include "chatd_process.h"
#include "raw.h"

namespace chatcore::hardening {
namespace {

// The regular files directly in the storage dir (the database lives in a subdirectory).
bool no_files(const std::filesystem::path& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) return false;
  }
  return true;
}

bool any_line(const std::vector<std::string>& lines, const std::string& words) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(words) != std::string::npos; });
}

}  // namespace

TEST_SUITE("transfers") {

TEST_CASE("an upload cut off by server shutdown is logged as cancelled by shutdown") {
  test::TempDir storage;
  ChatdProcess chatd(storage.path(), 0);
  RawSession alice(chatd.address(), "alice");
  auto round_trip = [&] {
    grpc::ClientContext ctx;
    v1::ListRoomsRequest req;
    req.set_session(alice.token());
    v1::ListRoomsResponse resp;
    REQUIRE(alice.stub().ListRooms(&ctx, req, &resp).ok());
  };
  {
    grpc::ClientContext ctx;
    v1::CreateRoomRequest req;
    req.set_session(alice.token());
    req.set_name("in");
    v1::RoomResponse resp;
    REQUIRE(alice.stub().CreateRoom(&ctx, req, &resp).ok());
  }
  RawUpload up(chatd.address());
  up.meta(alice.token(), "during-shutdown.bin", 8 << 20, "in");
  up.chunk(std::string(64 << 10, 'u'));
  REQUIRE(poll([&] { return upload_file_open(storage.path(), chatd.pid()); }, round_trip));

  const auto lines = chatd.stop();
  CHECK(!up.finish().ok());
  CHECK_MESSAGE(any_line(lines, "cancelled by server shutdown after 65536 of 8388608 bytes"),
                "no line says the upload was cancelled by the shutdown");
  CHECK_MESSAGE(!any_line(lines, "the upload ended after"),
                "the shutdown was blamed on the client");
  CHECK(no_files(storage.path()));
}

TEST_CASE("a stalled upload is cancelled after --transfer-idle-s; its reservation is freed") {
  test::TempDir storage;
  test::TempDir local;
  ChatdProcess chatd(storage.path(), 0,
                     {"--transfer-idle-s", "1", "--storage-quota", std::to_string(1 << 20)});
  auto alice = Client::open(chatd.address());
  REQUIRE(alice.ok());
  REQUIRE((*alice)->login("alice", [](const Event&) {}, [](const Status&) {}).ok());
  REQUIRE((*alice)->create_room("in").ok());
  const auto file = make_file(local, "b.bin", 600 << 10);

  // Declares 600 KiB of the 1 MiB quota, sends one chunk, then nothing.
  RawUpload held(chatd.address());
  held.meta((*alice)->welcome().session, "held.bin", 600 << 10, "in");
  held.chunk(std::string(64 << 10, 'h'));
  REQUIRE(poll([&] { return upload_file_open(storage.path(), chatd.pid()); },
               [&] { (void)(*alice)->list_rooms(); }));
  const auto refused = (*alice)->upload(file, {.room = "in", .recipient = {}});
  CHECK(refused.status().code == Code::resource_exhausted);

  const auto line = chatd.wait_for_line("made no progress");
  CHECK(line.find("after 65536 of 614400 bytes") != std::string::npos);
  const auto status = held.finish();
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED, status_text(status));
  CHECK(status.error_message().find("no progress for 1 s") != std::string::npos);
  CHECK(no_files(storage.path()));
  // The quota it held is free again.
  const auto stored = (*alice)->upload(file, {.room = "in", .recipient = {}});
  CHECK_MESSAGE(stored.ok(), stored.status().to_string());
  (*alice)->close();
}

TEST_CASE("a download nobody reads is cancelled after --transfer-idle-s") {
  test::TempDir storage;
  test::TempDir local;
  ChatdProcess chatd(storage.path(), 0, {"--transfer-idle-s", "1"});
  RawSession alice(chatd.address(), "alice");
  auto client = Client::open(chatd.address());
  REQUIRE(client.ok());
  REQUIRE((*client)->login("bob", [](const Event&) {}, [](const Status&) {}).ok());
  const auto file = make_file(local, "big.bin", 32 << 20);
  const auto info = (*client)->upload(file, {.room = {}, .recipient = "alice"});
  REQUIRE_MESSAGE(info.ok(), info.status().to_string());

  grpc::ClientContext ctx;
  v1::DownloadRequest request;
  request.set_session(alice.token());
  request.set_file_id(info->id);
  auto reader = alice.stub().Download(&ctx, request);
  v1::DownloadResponse first;
  REQUIRE(reader->Read(&first));
  // The client reads no further: the server's writes stop completing.
  chatd.wait_for_line("cancelled: no progress for 1 s");
  v1::DownloadResponse rest;
  std::size_t chunks = 0;
  while (reader->Read(&rest)) ++chunks;
  const auto status = reader->Finish();
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::CANCELLED, status_text(status));
  CHECK(chunks < 32 * 16);  // it never got the whole file
  // The stored file stays.
  CHECK(std::filesystem::exists(storage.path() / info->id));
  (*client)->close();
}

TEST_CASE("--max-transfers: a session's transfer beyond the cap is RESOURCE_EXHAUSTED") {
  test::TempDir storage;
  test::TempDir local;
  ChatdProcess chatd(storage.path(), 0, {"--max-transfers", "2"});
  RawSession alice(chatd.address(), "alice");
  auto bob = Client::open(chatd.address());
  REQUIRE(bob.ok());
  REQUIRE((*bob)->login("bob", [](const Event&) {}, [](const Status&) {}).ok());
  const auto file = make_file(local, "big.bin", 8 << 20);
  const auto info = (*bob)->upload(file, {.room = {}, .recipient = "alice"});
  REQUIRE_MESSAGE(info.ok(), info.status().to_string());

  struct Held {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<v1::DownloadResponse>> reader;
  };
  auto start = [&](Held& h) {
    v1::DownloadRequest request;
    request.set_session(alice.token());
    request.set_file_id(info->id);
    h.reader = alice.stub().Download(&h.ctx, request);
    v1::DownloadResponse first;
    return h.reader->Read(&first);
  };
  Held one, two, three;
  REQUIRE(start(one));
  REQUIRE(start(two));
  CHECK_FALSE(start(three));
  const auto refused = three.reader->Finish();
  CHECK_MESSAGE(refused.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED,
                status_text(refused));
  CHECK(refused.error_message().find("2 transfers running") != std::string::npos);
  // Another user is not affected.
  CHECK((*bob)->upload(file, {.room = {}, .recipient = "alice"}).ok());

  // A transfer that ends gives its place back.
  one.ctx.TryCancel();
  v1::DownloadResponse rest;
  while (one.reader->Read(&rest)) {
  }
  (void)one.reader->Finish();
  bool again = false;
  for (int i = 0; i < 200 && !again; ++i) {
    Held next;
    again = start(next);
    next.ctx.TryCancel();
    while (next.reader->Read(&rest)) {
    }
    (void)next.reader->Finish();
  }
  CHECK(again);
  two.ctx.TryCancel();
  (*bob)->close();
}

}  // TEST_SUITE

}  // namespace chatcore::hardening
