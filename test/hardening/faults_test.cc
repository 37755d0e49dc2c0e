// Faults: clients that vanish mid-transfer, a shutdown while transfers run, reconnect churn,
// and a client process that crashes.
#include <fmt/format.h>

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "../integration/identity_client.h"
#include "raw.h"

using namespace chatcore;
using namespace chatcore::hardening;

namespace {

struct Room {
  TestServer server;
  TestUser alice;
  test::TempDir dir;
  explicit Room(const std::function<void(Config&)>& tweak = {})
      : server(tweak), alice(server, "alice") {
    REQUIRE(alice->create_room("f").ok());
  }
  const std::string& token() { return alice->welcome().session; }
  FileInfo store(std::size_t size) {
    auto info = alice->upload(make_file(dir, fmt::format("s{}.bin", size), size),
                              {.room = "f", .recipient = {}});
    REQUIRE_MESSAGE(info.ok(), info.status().to_string());
    return *info;
  }
  bool has_part() { return upload_file_open(server.storage()); }
};

// Starts a download and reads its info and first chunk, then leaves the stream alone.
struct StalledDownload {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Chat::Stub> stub;
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReader<v1::DownloadResponse>> reader;

  StalledDownload(const std::string& address, const std::string& token, const FileInfo& file)
      : channel(raw_channel(address)), stub(v1::Chat::NewStub(channel)) {
    v1::DownloadRequest request;
    request.set_session(token);
    request.set_file_id(file.id);
    reader = stub->Download(&ctx, request);
    v1::DownloadResponse message;
    REQUIRE(reader->Read(&message));
    REQUIRE(message.has_info());
    REQUIRE(message.info().size() == file.size);
    REQUIRE(reader->Read(&message));
    REQUIRE(!message.chunk().empty());
  }
  grpc::Status finish() {
    v1::DownloadResponse message;
    while (reader->Read(&message)) {
    }
    return reader->Finish();
  }
};

}  // namespace

TEST_SUITE("faults") {

TEST_CASE("a client that vanishes mid-upload leaves no partial file") {
  Room r;
  {
    RawUpload up(r.server.address());
    up.meta(r.token(), "half.bin", 4 << 20, "f");
    for (int i = 0; i < 4; ++i) up.chunk(std::string(64 << 10, 'h'));
    REQUIRE(poll([&] { return r.has_part(); }, [&] { r.server.round_trip(); }));
    up.cancel();
    CHECK(up.finish().error_code() == grpc::StatusCode::CANCELLED);
  }
  expect_stored_eventually(r.server, {});
  const auto later = r.store(100 << 10);
  expect_stored(r.server, {later.id});
}

TEST_CASE("a client that vanishes mid-download does not disturb the file or the server") {
  Room r;
  const auto file = r.store(16 << 20);
  {
    StalledDownload down(r.server.address(), r.token(), file);
    down.ctx.TryCancel();
    CHECK(down.finish().error_code() == grpc::StatusCode::CANCELLED);
  }
  auto again = r.alice->download(file.id, r.dir.path() / "again.bin");
  REQUIRE_MESSAGE(again.ok(), again.status().to_string());
  CHECK(test::sha256_hex(test::read_file(r.dir.path() / "again.bin")) == file.sha256);
  expect_stored(r.server, {file.id});
}

TEST_CASE("shutdown while an upload and a download run") {
  Room r([](Config& c) { c.shutdown_grace = std::chrono::milliseconds(500); });
  const auto file = r.store(32 << 20);
  StalledDownload down(r.server.address(), r.token(), file);
  RawUpload up(r.server.address());
  up.meta(r.token(), "during-shutdown.bin", 8 << 20, "f");
  up.chunk(std::string(64 << 10, 'u'));
  REQUIRE(poll([&] { return r.has_part(); }, [&] { r.server.round_trip(); }));

  const auto start = std::chrono::steady_clock::now();
  r.server.server().shutdown("maintenance");
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(15));

  const auto up_status = up.finish();
  CHECK_MESSAGE(!up_status.ok(), status_text(up_status));
  const auto down_status = down.finish();
  CHECK_MESSAGE(!down_status.ok(), status_text(down_status));
  // shutdown() returns after every call freed itself: the partial upload is gone already.
  expect_stored(r.server, {file.id});
  CHECK(r.alice.log().wait_for<ShutdownNotice>().reason == "maintenance");
  CHECK(r.alice.log().wait_closed().ok());
}

TEST_CASE("reconnect churn: 1000 sessions come and go; the server still serves") {
  TestServer server;
  TestUser watch(server, "watch");
  const auto baseline = watch->list_users();
  REQUIRE(baseline.ok());

  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::atomic<int> welcomed{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto channel = raw_channel(server.address());
      auto stub = v1::Chat::NewStub(channel);
      for (int i = 0; i < kPerThread; ++i) {
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + test::kWait);
        v1::ConnectRequest request;
        request.set_nickname(fmt::format("churn{}x{}", t, i));
        auto reader = stub->Connect(&ctx, request);
        v1::EventBatch batch;
        if (reader->Read(&batch) && batch.events_size() > 0 && batch.events(0).has_welcome()) {
          ++welcomed;
        } else {
          ++failures;
        }
        ctx.TryCancel();
        while (reader->Read(&batch)) {
        }
        reader->Finish();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures.load() == 0);
  CHECK(welcomed.load() == kThreads * kPerThread);

  // And the real client, closing properly, with the same nickname each time.
  for (int i = 0; i < 50; ++i) {
    auto client = Client::open(server.address());
    REQUIRE(client.ok());
    Result<Welcome> login = Status(Code::unknown, "");
    // The previous session with this name ends when the server sees its stream end.
    REQUIRE(poll(
        [&] {
          login = (*client)->login("again", [](const Event&) {}, [](const Status&) {});
          return login.ok();
        },
        [&] { REQUIRE(watch->list_rooms().ok()); }));
    REQUIRE((*client)->list_rooms().ok());
    (*client)->close();
  }

  std::size_t users = 0;
  CHECK(poll(
      [&] {
        auto now = watch->list_users();
        REQUIRE(now.ok());
        users = now->size();
        return users == baseline->size();
      },
      [] {}));
  CHECK(users == baseline->size());
  REQUIRE(watch->create_room("after").ok());
  REQUIRE(watch->send("after", "still serving").ok());
  CHECK(watch.log().wait_for<RoomMessage>().text == "still serving");
}

namespace {
// Starts the test binary as a client process that logs in as `nick`, joins `room` and says
// "ready"; returns its pid once it has.
pid_t spawn_client(const std::string& address, const std::string& nick, const std::string& room,
                   const std::string& mode) {
  return spawn_self({"--crash-child", address, nick, room, mode}, "ready");
}
}  // namespace

TEST_CASE("a frozen client is dropped by keepalive within keepalive_time + timeout") {
  // keepalive 1 s + 1 s here (30 s + 10 s by default). The frozen process's kernel still acknowledges
  // TCP, so only the HTTP/2 pings it cannot answer reveal it.
  TestServer server([](Config& c) {
    c.keepalive_time = std::chrono::milliseconds(1000);
    c.keepalive_timeout = std::chrono::milliseconds(1000);
  });
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("ice").ok());
  const pid_t pid = spawn_client(server.address(), "frozen", "ice", "kill");
  alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "frozen"; });
  REQUIRE(::kill(pid, SIGSTOP) == 0);
  const auto started = std::chrono::steady_clock::now();
  const auto left = alice.log().wait_for<MemberLeft>();  // fails after 10 s
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(left.nickname == "frozen");
  CHECK(left.reason == "disconnected");
  MESSAGE("dropped after " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                           << " ms");
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
}

TEST_CASE("a connection that never logs in is closed once idle; a logged-in one stays") {
  TestServer server([](Config& c) { c.idle_connection_timeout = std::chrono::milliseconds(300); });
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("idle").ok());

  // A connection that opens and then makes no call: the server sends GOAWAY once it idled.
  auto channel = raw_channel(server.address());
  REQUIRE(channel->WaitForConnected(std::chrono::system_clock::now() + test::kWait));
  CHECK(channel->GetState(false) == GRPC_CHANNEL_READY);
  const bool changed = channel->WaitForStateChange(
      GRPC_CHANNEL_READY, std::chrono::system_clock::now() + test::kWait);
  CHECK_MESSAGE(changed, "the idle connection was never closed");

  // alice's Connect stream kept hers busy the whole time.
  REQUIRE(alice->send("idle", "still here").ok());
  CHECK(alice.log().wait_for<RoomMessage>().text == "still here");
}

TEST_CASE("start-up removes the partial uploads a crash left, and keeps stored files") {
  test::TempDir dir;
  const auto storage = dir.path() / "files";
  Config config;
  config.listen = "127.0.0.1:0";
  config.data_dir = dir.path() / "data";
  config.storage_dir = storage;
  std::string stored_id;
  {
    // A file in the registry: an identity's, sent to itself.
    Server server(config);
    REQUIRE(server.start().ok());
    auto alice = test::identity_client("127.0.0.1:" + std::to_string(server.port()), dir, "alice");
    const auto sent = alice->upload(make_file(dir, "kept.bin", 1000),
                                    {.room = {}, .recipient = "alice"});
    REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
    stored_id = sent->id;
    alice->close();
    server.shutdown("done");
  }
  const auto write = [](const std::filesystem::path& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  };
  write(storage / "0123456789abcdef0123456789abcdef.part", "half an upload");
  write(storage / "fedcba9876543210fedcba9876543210", "a file the registry never knew");

  Server server(config);
  REQUIRE(server.start().ok());
  CHECK_FALSE(std::filesystem::exists(storage / "0123456789abcdef0123456789abcdef.part"));
  CHECK_FALSE(std::filesystem::exists(storage / "fedcba9876543210fedcba9876543210"));
  CHECK(std::filesystem::exists(storage / stored_id));
  server.shutdown("done");
}

TEST_CASE("a client process that crashes is seen to leave") {
  std::string mode;
  SUBCASE("it exits without closing anything") { mode = "exit"; }
  SUBCASE("it is killed with SIGKILL") { mode = "kill"; }
  CAPTURE(mode);
  TestServer server;
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("crash").ok());

  const pid_t pid = spawn_client(server.address(), "crasher", "crash", mode);
  alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "crasher"; });

  if (mode == "kill") ::kill(pid, SIGKILL);
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  if (mode == "kill") {
    CHECK((WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL));
  } else {
    CHECK((WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 9));
  }

  const auto left = alice.log().wait_for<MemberLeft>();
  CHECK(left.nickname == "crasher");
  CHECK(left.members == 1);
  CHECK(left.reason == "disconnected");
  CHECK(alice->list_users()->size() == 1);
}

}  // TEST_SUITE
