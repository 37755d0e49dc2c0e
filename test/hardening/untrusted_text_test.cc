// Text a client sends is quoted back only escaped and cut short: hostile names go to every
// RPC that could echo them, and every status message is checked for control and format
// characters and for its length. Log lines are checked the same way on a real chatd.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <string_view>

#include "chatd_process.h"
#include "raw.h"
#include "util/escape.h"

namespace chatcore::hardening {
namespace {

constexpr std::size_t kMaxStatusBytes = 300;

std::vector<std::string> hostile_names() {
  using namespace std::string_literals;
  return {"\x1b[2J\x1b[31mred"s, "bell\x07"s, "c1\xc2\x9b" "31m"s, "nul\0byte"s,
          "rtl\xe2\x80\xae" "txt.exe"s, "zero\xe2\x80\x8bwidth"s, "line\nbreak"s,
          std::string(5000, 'x'), std::string(9000, 'y')};
}

// A control character (C0, DEL, C1) or an invisible/format character that could reorder or
// hide text: the first one found, or empty.
std::string forbidden_in(std::string_view text) {
  static const std::vector<std::string_view> kFormat = {
      "\xe2\x80\x8b", "\xe2\x80\x8c", "\xe2\x80\x8d", "\xe2\x80\x8e", "\xe2\x80\x8f",
      "\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad", "\xe2\x80\xae",
      "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9", "\xef\xbb\xbf"};
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x20 || b == 0x7f) return fmt::format("byte 0x{:02x}", b);
    if (b == 0xc2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9f) return fmt::format("C1 control 0x{:02x}", next);
    }
  }
  for (auto f : kFormat) {
    if (text.find(f) != std::string_view::npos) return "a format character";
  }
  return {};
}

void check_message(const std::string& rpc, const std::string& message) {
  INFO(rpc << ": " << util::escape(message, 200));
  CHECK(forbidden_in(message).empty());
  CHECK(message.size() <= kMaxStatusBytes);
}

void check_status(const std::string& rpc, const grpc::Status& status) {
  CHECK_MESSAGE(!status.ok(), rpc << " accepted a hostile name");
  check_message(rpc, status.error_message());
}

struct Fixture {
  TestServer server;
  TestUser alice{server, "alice"};
  Fixture() {
    REQUIRE(alice->create_room("in").ok());
    alice.log().next_of<MemberJoined>();
  }
};

}  // namespace

TEST_SUITE("untrusted_text") {

TEST_CASE("hostile names sent to every RPC come back escaped and cut short") {
  Fixture f;
  RawSession session(f.server.address(), "mallory");
  auto& stub = session.stub();
  const std::string& token = session.token();
  for (const auto& name : hostile_names()) {
    CAPTURE(util::escape(name, 40));
    {
      grpc::ClientContext ctx;
      v1::JoinRoomRequest req;
      req.set_session(token);
      req.set_name(name);
      v1::RoomResponse resp;
      check_status("JoinRoom", stub.JoinRoom(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::CreateRoomRequest req;
      req.set_session(token);
      req.set_name(name);
      v1::RoomResponse resp;
      check_status("CreateRoom", stub.CreateRoom(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::ListUsersRequest req;
      req.set_session(token);
      req.set_room(name);
      v1::ListUsersResponse resp;
      check_status("ListUsers", stub.ListUsers(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::SendDirectRequest req;
      req.set_session(token);
      req.set_recipient(name);
      req.set_text("hi");
      v1::SendResponse resp;
      check_status("SendDirect", stub.SendDirect(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::SendMessageRequest req;
      req.set_session(token);
      req.set_room(name);
      req.set_text("hi");
      v1::SendResponse resp;
      check_status("SendMessage", stub.SendMessage(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::ChangeNickRequest req;
      req.set_session(token);
      req.set_nickname(name);
      v1::ChangeNickResponse resp;
      check_status("ChangeNick", stub.ChangeNick(&ctx, req, &resp));
    }
    {
      grpc::ClientContext ctx;
      v1::DownloadRequest req;
      req.set_session(token);
      req.set_file_id(name);
      auto reader = stub.Download(&ctx, req);
      v1::DownloadResponse part;
      while (reader->Read(&part)) {
      }
      check_status("Download", reader->Finish());
    }
    for (int field = 0; field < 3; ++field) {
      RawUpload up(f.server.address());
      v1::UploadRequest req;
      auto* meta = req.mutable_meta();
      meta->set_session(token);
      meta->set_size(4);
      meta->set_name(field == 0 ? name : "a.txt");
      if (field == 1) {
        meta->set_recipient(name);
      } else {
        meta->set_room(field == 2 ? name : "in");
      }
      up.write(req);
      check_status(fmt::format("Upload (field {})", field), up.finish());
    }
    check_status("Connect", RawSession::refused(f.server.address(), name));
  }
  // The requester kept its session all along: no status was too large for gRPC's metadata.
  grpc::ClientContext ctx;
  v1::ListRoomsRequest req;
  req.set_session(token);
  v1::ListRoomsResponse resp;
  CHECK(stub.ListRooms(&ctx, req, &resp).ok());
}

TEST_CASE("a forged log line in the client field or a nickname stays inside its own line") {
  test::TempDir storage;
  const std::string forged = "\n2026-01-01T00:00:00.000Z INFO  user admin connected";
  for (const std::string format : {"text", "json"}) {
    CAPTURE(format);
    ChatdProcess chatd(storage.path(), 0, {"--log-format", format});
    ClientOptions options;
    options.client_name = "evil" + forged + "\x1b[2J";
    {
      auto client = Client::open(chatd.address(), options);
      REQUIRE(client.ok());
      REQUIRE((*client)->login("eve", [](const Event&) {}, [](const Status&) {}).ok());
      auto refused = Client::open(chatd.address());
      REQUIRE(refused.ok());
      // Taken, so refused and logged with the name as sent.
      CHECK_FALSE((*refused)->login("eve" + forged, [](const Event&) {}, [](const Status&) {})
                      .ok());
      chatd.wait_for_line("user eve connected");
    }
    const auto lines = chatd.stop();
    REQUIRE(lines.size() >= 3);
    bool saw_client = false;
    for (const auto& line : lines) {
      if (line.find("gRPC") != std::string::npos || line.rfind("E1", 0) == 0) continue;
      CAPTURE(line);
      CHECK(forbidden_in(line).empty());
      CHECK(line.rfind("2026-01-01T00:00:00.000Z", 0) != 0);
      if (format == "json") {
        google::protobuf::Struct value;
        const bool parsed = google::protobuf::util::JsonStringToMessage(line, &value).ok();
        REQUIRE_MESSAGE(parsed, "not JSON: " << line);
        CHECK(value.fields().contains("time"));
        CHECK(value.fields().contains("level"));
        const std::string msg = value.fields().at("msg").string_value();
        if (msg.find("user eve connected") != std::string::npos) {
          saw_client = true;
          // Structural escaping: the text comes back intact once parsed, but as one field.
          CHECK(msg.find("INFO  user admin connected") != std::string::npos);
        }
      } else {
        if (line.find("user eve connected") != std::string::npos) saw_client = true;
      }
    }
    CHECK(saw_client);
  }
}

}  // TEST_SUITE
}  // namespace chatcore::hardening
