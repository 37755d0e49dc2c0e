// Transfers cut short by the server: shutdown in the middle of an upload is reported as what
// it is, on the real chatd binary whose log lines the test reads.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "chatd_process.h"
#include "raw.h"

namespace chatcore::hardening {
namespace {

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
  CHECK(std::filesystem::is_empty(storage.path()));
}

}  // TEST_SUITE

}  // namespace chatcore::hardening
