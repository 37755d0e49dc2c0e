// File transfers over real gRPC: upload, notice, download with integrity, permissions, limits,
// cancellation, and what is left in the storage dir.
#include "harness.h"

#include <grpcpp/grpcpp.h>

#include "chatcore/v1/chat.grpc.pb.h"

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

// alice and bob in "share", carol in the lobby, a scratch dir for the files.
struct Share {
  TestServer server;
  TestUser alice;
  TestUser bob;
  TestUser carol;
  test::TempDir dir;

  explicit Share(const std::function<void(Config&)>& tweak = {})
      : server(tweak), alice(server, "alice"), bob(server, "bob"), carol(server, "carol") {
    REQUIRE(alice->create_room("share").ok());
    REQUIRE(bob->join_room("share").ok());
    alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "bob"; });
    bob.log().next_of<MemberJoined>();
  }
  std::filesystem::path file(const std::string& name) const { return dir.path() / name; }
};

// Polls the storage dir until it holds no regular file, each retry a round trip through the
// server instead of a sleep; the cleanup after a failed upload runs on the server's disk pool.
void expect_storage_empties(TestServer& server) {
  const auto give_up = std::chrono::steady_clock::now() + test::kWait;
  auto files = server.stored_files();
  while (!files.empty() && std::chrono::steady_clock::now() < give_up) {
    server.round_trip();
    files = server.stored_files();
  }
  const std::string example = files.empty() ? "" : files.front().string();
  CHECK_MESSAGE(files.empty(), files.size() << " file(s) left, e.g. " << example);
}

// Uploads to room "share" without the client class, for what the client would never send.
// Writes stop counting once the server has answered; Finish says what it answered.
grpc::Status raw_upload(TestServer& server, const std::string& session, std::uint64_t declared,
                        const std::string& sha256, const std::vector<std::string>& chunks) {
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  auto stub = v1::Chat::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + test::kWait);
  v1::UploadResponse response;
  auto writer = stub->Upload(&ctx, &response);
  v1::UploadRequest meta;
  meta.mutable_meta()->set_session(session);
  meta.mutable_meta()->set_name("raw.bin");
  meta.mutable_meta()->set_size(declared);
  meta.mutable_meta()->set_room("share");
  meta.mutable_meta()->set_sha256(sha256);
  if (writer->Write(meta)) {
    v1::UploadRequest chunk;
    for (const auto& c : chunks) {
      chunk.set_chunk(c);
      if (!writer->Write(chunk)) break;
    }
    writer->WritesDone();
  }
  return writer->Finish();
}

}  // namespace

TEST_CASE("files: upload to a room, notices, download with matching bytes") {
  Share s;
  const std::size_t size = 300 * 1024 + 123;  // not a multiple of the chunk size
  const std::string data = test::write_random_file(s.file("photo.jpg"), size);

  std::vector<Progress> steps;
  const auto up = s.alice->upload(s.file("photo.jpg"), {.room = "share", .recipient = {}},
                                  [&](const Progress& p) {
                                    steps.push_back(p);
                                    return true;
                                  });
  REQUIRE_MESSAGE(up.ok(), up.status().to_string());
  CHECK(up->name == "photo.jpg");
  CHECK(up->size == size);
  CHECK(up->sender == "alice");
  CHECK(up->room == "share");
  CHECK(up->recipient.empty());
  CHECK(up->sha256 == test::sha256_hex(data));
  CHECK_FALSE(up->id.empty());
  const std::uint64_t chunk = s.alice->welcome().limits.chunk_size;
  REQUIRE(steps.size() == (size + chunk - 1) / chunk);
  CHECK(steps.front().done == chunk);
  CHECK(steps.back().done == size);
  for (const auto& p : steps) CHECK(p.total == size);

  for (TestUser* u : {&s.alice, &s.bob}) {
    CAPTURE(u->nick());
    const auto notice = u->log().next_of<FileNotice>();
    CHECK(notice.file.id == up->id);
    CHECK(notice.file.name == "photo.jpg");
    CHECK(notice.file.size == size);
    CHECK(notice.file.sha256 == up->sha256);
  }
  s.server.expect_quiet(s.carol);

  const auto listed = s.bob->list_files();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0].id == up->id);
  REQUIRE(s.carol->list_files().ok());
  CHECK(s.carol->list_files()->empty());

  steps.clear();
  const auto down = s.bob->download(up->id, s.file("copy.jpg"), false, [&](const Progress& p) {
    steps.push_back(p);
    return true;
  });
  REQUIRE_MESSAGE(down.ok(), down.status().to_string());
  CHECK(down->id == up->id);
  CHECK(test::read_file(s.file("copy.jpg")) == data);
  REQUIRE_FALSE(steps.empty());
  CHECK(steps.back().done == size);
  CHECK(steps.back().total == size);

  // Only the complete file is stored, under its id.
  const auto stored = s.server.stored_files();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].filename() == up->id);
}

TEST_CASE("files: permissions, unknown ids, existing destinations") {
  Share s;
  const std::string data = test::write_random_file(s.file("a.bin"), 70 * 1024);
  const auto up = s.alice->upload(s.file("a.bin"), {.room = "share", .recipient = {}});
  REQUIRE_MESSAGE(up.ok(), up.status().to_string());

  // An outsider: refused, and nothing is left in the destination dir.
  test::TempDir outside;
  CHECK(s.carol->download(up->id, outside.path() / "x.bin").status().code ==
        Code::permission_denied);
  CHECK(std::filesystem::is_empty(outside.path()));
  CHECK(s.bob->download("00000000000000000000000000000000", outside.path() / "x.bin").status().code ==
        Code::not_found);
  CHECK(std::filesystem::is_empty(outside.path()));

  // An existing destination is kept unless the caller says overwrite.
  const std::string old = test::write_random_file(s.file("keep.bin"), 10);
  const auto refused = s.bob->download(up->id, s.file("keep.bin"));
  CHECK(refused.status().code == Code::already_exists);
  CHECK(test::read_file(s.file("keep.bin")) == old);
  const auto replaced = s.bob->download(up->id, s.file("keep.bin"), true);
  REQUIRE_MESSAGE(replaced.ok(), replaced.status().to_string());
  CHECK(test::read_file(s.file("keep.bin")) == data);

  // A destination in a missing directory fails before the server is asked.
  CHECK_FALSE(s.bob->download(up->id, s.file("no/such/dir/x.bin")).ok());

  // No temporary files were left beside the destinations.
  for (const auto& entry : std::filesystem::directory_iterator(s.dir.path())) {
    CHECK_MESSAGE(entry.path().extension() != ".part", entry.path());
  }
}

TEST_CASE("files: a file to one user reaches that user and the sender only") {
  Share s;
  test::write_random_file(s.file("dm.txt"), 5000);
  const auto up = s.bob->upload(s.file("dm.txt"), {.room = {}, .recipient = "carol"});
  REQUIRE_MESSAGE(up.ok(), up.status().to_string());
  CHECK(up->recipient == "carol");
  CHECK(up->room.empty());
  CHECK(s.carol.log().next_of<FileNotice>().file.id == up->id);
  CHECK(s.bob.log().next_of<FileNotice>().file.id == up->id);
  s.server.expect_quiet(s.alice);
  CHECK(s.carol->download(up->id, s.file("got.txt")).ok());
  CHECK(s.alice->download(up->id, s.file("nope.txt")).status().code == Code::permission_denied);
  CHECK(s.bob->upload(s.file("dm.txt"), {.room = {}, .recipient = "nobody"}).status().code ==
        Code::not_found);
  CHECK(s.carol->upload(s.file("dm.txt"), {.room = "share", .recipient = {}}).status().code ==
        Code::failed_precondition);
}

TEST_CASE("files: refused uploads store nothing") {
  Share s([](Config& c) { c.limits.max_file_size = 1 << 20; });
  REQUIRE(s.alice->welcome().limits.max_file_size == 1u << 20);

  SUBCASE("a missing local file is reported with its path") {
    const auto r = s.alice->upload(s.file("missing.bin"), {.room = "share", .recipient = {}});
    CHECK(r.status().code == Code::not_found);
    CHECK(r.status().message.find("missing.bin") != std::string::npos);
  }

  SUBCASE("an empty file is refused") {
    test::write_random_file(s.file("empty.bin"), 0);
    const auto r = s.alice->upload(s.file("empty.bin"), {.room = "share", .recipient = {}});
    CHECK(r.status().code == Code::invalid_argument);
  }

  SUBCASE("a file over the limit is refused by the client before sending") {
    test::write_random_file(s.file("big.bin"), 2 << 20);
    const auto r = s.alice->upload(s.file("big.bin"), {.room = "share", .recipient = {}});
    CHECK(r.status().code == Code::invalid_argument);
    CHECK(r.status().message.find("limit") != std::string::npos);
  }

  SUBCASE("a declared size over the limit is refused by the server") {
    // The client never sends this, so speak the protocol directly.
    const auto status = raw_upload(s.server, s.alice->welcome().session, 2 << 20, "",
                                   std::vector<std::string>(32, std::string(64 * 1024, 'z')));
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }

  // Nobody heard of a file, and none is stored.
  s.server.expect_quiet(s.bob);
  expect_storage_empties(s.server);
  REQUIRE(s.bob->list_files().ok());
  CHECK(s.bob->list_files()->empty());
}

TEST_CASE("files: the server stores nothing that does not match its metadata") {
  Share s;
  const std::string& session = s.alice->welcome().session;
  const std::string data(100 * 1024, 'd');

  SUBCASE("wrong sha256") {
    const auto status = raw_upload(s.server, session, data.size(), test::sha256_hex("other"),
                                   {data.substr(0, 65536), data.substr(65536)});
    CHECK(status.error_code() == grpc::StatusCode::DATA_LOSS);
  }
  SUBCASE("fewer bytes than declared") {
    const auto status = raw_upload(s.server, session, data.size() + 1, "", {data});
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  SUBCASE("more bytes than declared") {
    const auto status = raw_upload(s.server, session, data.size() - 1, "", {data});
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  SUBCASE("an unknown session") {
    const auto status = raw_upload(s.server, std::string(32, '0'), data.size(), "", {data});
    CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }

  s.server.expect_quiet(s.alice);
  s.server.expect_quiet(s.bob);
  expect_storage_empties(s.server);
}

TEST_CASE("files: a cancelled upload leaves no file behind") {
  Share s;
  test::write_random_file(s.file("big.bin"), 1 << 20);
  int calls = 0;
  const auto r = s.alice->upload(s.file("big.bin"), {.room = "share", .recipient = {}},
                                 [&](const Progress& p) {
                                   ++calls;
                                   return p.done < p.total / 2;
                                 });
  CHECK(r.status().code == Code::cancelled);
  CHECK(calls == 8);  // 64 KiB chunks: stops at 512 KiB of 1 MiB
  expect_storage_empties(s.server);
  s.server.expect_quiet(s.bob);
  REQUIRE(s.alice->list_files().ok());
  CHECK(s.alice->list_files()->empty());

  // The session is still fine for the next upload.
  const auto again = s.alice->upload(s.file("big.bin"), {.room = "share", .recipient = {}});
  CHECK_MESSAGE(again.ok(), again.status().to_string());
}

TEST_CASE("files: a cancelled download removes its temporary file") {
  Share s;
  test::write_random_file(s.file("src.bin"), 512 * 1024);
  const auto up = s.alice->upload(s.file("src.bin"), {.room = "share", .recipient = {}});
  REQUIRE_MESSAGE(up.ok(), up.status().to_string());
  test::TempDir into;
  const auto r = s.bob->download(up->id, into.path() / "dst.bin", false,
                                 [](const Progress& p) { return p.done < p.total / 2; });
  CHECK(r.status().code == Code::cancelled);
  CHECK(std::filesystem::is_empty(into.path()));
}
