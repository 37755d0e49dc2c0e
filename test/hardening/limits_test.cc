// Every configured limit, hit for real over gRPC: flood protection, sessions per address,
// room count and size, the storage quota (uploads in flight included).
#include <fmt/format.h>

#include "raw.h"

using namespace chatcore;
using namespace chatcore::hardening;

namespace {

void expect_exhausted(const Status& status, const char* what) {
  CHECK_MESSAGE(status.code == Code::resource_exhausted, what << ": " << status.to_string());
  CHECK_MESSAGE(!status.message.empty(), what << " has no message");
}

}  // namespace

TEST_SUITE("limits") {

TEST_CASE("message flood: the burst is served, the next message is refused, none is lost") {
  TestServer server([](Config& c) { c.message_rate = {.per_second = 0.001, .burst = 5}; });
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  REQUIRE(alice->create_room("flood").ok());
  REQUIRE(bob->join_room("flood").ok());
  alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "bob"; });
  bob.log().next_of<MemberJoined>();

  for (int i = 0; i < 5; ++i) {
    auto sent = alice->send("flood", fmt::format("m{}", i));
    REQUIRE_MESSAGE(sent.ok(), "message " << i << ": " << sent.status().to_string());
  }
  auto refused = alice->send("flood", "one too many");
  expect_exhausted(refused.status(), "sixth message");
  CHECK_MESSAGE(refused.status().message.find("retry in") != std::string::npos,
                refused.status().message);
  // DMs draw from the same bucket.
  expect_exhausted(alice->send_direct("bob", "also too many").status(), "DM after the burst");
  // Commands have their own bucket.
  CHECK(alice->list_rooms().ok());

  for (int i = 0; i < 5; ++i) {
    CHECK(bob.log().next_of<RoomMessage>().text == fmt::format("m{}", i));
  }
  server.expect_quiet(bob);  // the refused ones never arrived
}

TEST_CASE("command flood: the burst is served, the next request is refused") {
  TestServer server([](Config& c) { c.command_rate = {.per_second = 0.001, .burst = 5}; });
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  REQUIRE(alice->create_room("cmd").ok());  // 1
  for (int i = 0; i < 4; ++i) REQUIRE(alice->list_users().ok());  // 2..5
  auto refused = alice->join_room("cmd");
  expect_exhausted(refused.status(), "sixth command");
  CHECK_MESSAGE(refused.status().message.find("retry in") != std::string::npos,
                refused.status().message);
  expect_exhausted(alice->list_files().status(), "seventh command");
  // Uploads count as commands too: refused before any byte is stored.
  test::TempDir dir;
  expect_exhausted(alice->upload(make_file(dir, "f.bin", 1000), {.room = "cmd", .recipient = {}})
                       .status(),
                   "upload after the burst");
  expect_stored(server, {});
  // Messages have their own bucket; another user has its own buckets.
  REQUIRE(alice->send("cmd", "still talking").ok());
  CHECK(bob->list_rooms().ok());
  CHECK(alice.log().wait_for<RoomMessage>().text == "still talking");
  server.expect_quiet(alice);
}

TEST_CASE("sessions per address: the third login is refused until one leaves") {
  TestServer server([](Config& c) { c.max_sessions_per_peer = 2; });
  auto first = std::make_unique<TestUser>(server, "one");
  TestUser second(server, "two");

  auto third = Client::open(server.address());
  REQUIRE(third.ok());
  auto refused = (*third)->login("three", [](const Event&) {}, [](const Status&) {});
  expect_exhausted(refused.status(), "third session");
  CHECK_MESSAGE(refused.status().message.find("too many sessions") != std::string::npos,
                refused.status().message);
  CHECK(grpc::StatusCode::RESOURCE_EXHAUSTED ==
        RawSession::refused(server.address(), "rawthree").error_code());

  first.reset();  // the stream ends; the server frees the slot when it sees that
  Status last;
  const bool admitted = poll(
      [&] {
        auto r = (*third)->login("three", [](const Event&) {}, [](const Status&) {});
        last = r.status();
        return r.ok();
      },
      [&] { REQUIRE(second->list_rooms().ok()); });
  REQUIRE_MESSAGE(admitted, "login still refused: " << last.to_string());
  auto users = second->list_users();
  REQUIRE(users.ok());
  CHECK(users->size() == 2);
}

TEST_CASE("room count and room size limits") {
  TestServer server([](Config& c) {
    c.max_rooms = 1;
    c.max_room_members = 2;
  });
  TestUser a(server, "a");
  TestUser b(server, "b");
  TestUser c(server, "c");
  REQUIRE(a->create_room("only").ok());
  auto second_room = b->create_room("another");
  expect_exhausted(second_room.status(), "second room");
  CHECK_MESSAGE(second_room.status().message.find("maximum of 1 rooms") != std::string::npos,
                second_room.status().message);
  REQUIRE(b->join_room("only").ok());
  auto full = c->join_room("only");
  expect_exhausted(full.status(), "third member");
  CHECK_MESSAGE(full.status().message.find("full") != std::string::npos, full.status().message);
  auto members = a->list_users("only");
  REQUIRE(members.ok());
  CHECK(members->size() == 2);
  // When the room empties it is deleted and the slot is free again.
  REQUIRE(a->leave_room().ok());
  REQUIRE(b->leave_room().ok());
  CHECK(c->create_room("another").ok());
}

TEST_CASE("storage quota: a file that does not fit is refused before a byte is stored") {
  TestServer server([](Config& c) { c.storage_quota = 1 << 20; });
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("files").ok());
  test::TempDir dir;
  auto first = alice->upload(make_file(dir, "a.bin", 600 << 10), {.room = "files", .recipient = {}});
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  auto second = alice->upload(make_file(dir, "b.bin", 600 << 10), {.room = "files", .recipient = {}});
  expect_exhausted(second.status(), "second 600 KiB upload");
  CHECK_MESSAGE(second.status().message.find("quota") != std::string::npos,
                second.status().message);
  expect_stored(server, {first->id});
}

TEST_CASE("free disk space: an upload larger than the disk is refused before a byte is stored") {
  // No quota; the size limit far above any disk, so only the free-space check can refuse.
  constexpr std::uint64_t kHuge = 1ull << 55;  // 32 PiB
  TestServer server([](Config& c) { c.limits.max_file_size = kHuge; });
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("files").ok());
  RawUpload up(server.address());
  up.meta(alice->welcome().session, "huge.bin", kHuge, "files");
  // The check runs with the file's creation on the disk pool: keep streaming until the server
  // ends the call (a half-close first would be answered as a short upload instead).
  v1::UploadRequest chunk;
  chunk.set_chunk(std::string(64 << 10, 'h'));
  int sent = 0;
  while (sent < 10000 && up.write(chunk)) ++sent;
  CHECK(sent < 10000);
  const auto status = up.finish();
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED, status_text(status));
  CHECK_MESSAGE(status.error_message().find("not enough disk space") != std::string::npos,
                status_text(status));
  expect_stored(server, {});
}

TEST_CASE("storage quota: uploads in flight count from their metadata on") {
  TestServer server([](Config& c) { c.storage_quota = 1 << 20; });
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("files").ok());
  test::TempDir dir;
  const auto file_b = make_file(dir, "b.bin", 600 << 10);

  // Held open with only its metadata sent; its reservation is visible as its open file.
  auto held = std::make_unique<RawUpload>(server.address());
  held->meta(alice->welcome().session, "held.bin", 600 << 10, "files");
  const auto has_part = [&] { return upload_file_open(server.storage()); };
  REQUIRE(poll(has_part, [&] { server.round_trip(); }));

  auto refused = alice->upload(file_b, {.room = "files", .recipient = {}});
  expect_exhausted(refused.status(), "upload while 600 KiB are in flight");

  SUBCASE("finishing the held upload stores it; the quota stays full") {
    for (std::size_t left = 600 << 10; left > 0;) {
      const std::size_t n = std::min<std::size_t>(left, 64 << 10);
      held->chunk(std::string(n, 'x'));
      left -= n;
    }
    const auto status = held->finish();
    REQUIRE_MESSAGE(status.ok(), status_text(status));
    const std::string id = held->response().file().id();
    expect_stored(server, {id});
    expect_exhausted(alice->upload(file_b, {.room = "files", .recipient = {}}).status(),
                     "upload after the held one completed");
    expect_stored(server, {id});
  }
  SUBCASE("cancelling the held upload frees its reservation") {
    held->cancel();
    held.reset();
    Result<FileInfo> later = Status(Code::unknown, "not tried");
    const bool stored = poll(
        [&] {
          later = alice->upload(file_b, {.room = "files", .recipient = {}});
          return later.ok();
        },
        [&] { server.round_trip(); });
    REQUIRE_MESSAGE(stored, later.status().to_string());
    expect_stored_eventually(server, {later->id});
  }
}

}  // TEST_SUITE
