// The client's own download checks, against a fake server that sends what a correct server
// never would: wrong hashes, short or long files, chunks before the description.
#include "harness.h"

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>

#include "chatcore/v1/chat.grpc.pb.h"

using namespace chatcore;

namespace {

// What the fake server's Download sends.
struct Script {
  bool info_first = true;
  std::uint64_t declared_size = 0;
  std::string sha256;
  std::vector<std::string> chunks;
};

class FakeChat final : public v1::Chat::Service {
 public:
  explicit FakeChat(Script script) : script_(std::move(script)) {}

  grpc::Status Connect(grpc::ServerContext* ctx, const v1::ConnectRequest* request,
                       grpc::ServerWriter<v1::EventBatch>* writer) override {
    v1::EventBatch batch;
    auto* event = batch.add_events();
    event->set_seq(1);
    event->mutable_welcome()->set_session("fake-token");
    event->mutable_welcome()->set_nickname(request->nickname());
    event->mutable_welcome()->mutable_limits()->set_chunk_size(1024);
    event->mutable_welcome()->mutable_limits()->set_max_file_size(1 << 20);
    writer->Write(batch);
    // Keep the session open until the test ends it.
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return stop_ || ctx->IsCancelled(); });
    return grpc::Status::OK;
  }

  grpc::Status Download(grpc::ServerContext*, const v1::DownloadRequest* request,
                        grpc::ServerWriter<v1::DownloadResponse>* writer) override {
    if (request->session() != "fake-token") {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "the client lost its token");
    }
    v1::DownloadResponse info;
    info.mutable_info()->set_id(request->file_id());
    info.mutable_info()->set_name("fake.bin");
    info.mutable_info()->set_size(script_.declared_size);
    info.mutable_info()->set_sha256(script_.sha256);
    if (script_.info_first) writer->Write(info);
    for (const auto& c : script_.chunks) {
      v1::DownloadResponse chunk;
      chunk.set_chunk(c);
      writer->Write(chunk);
    }
    return grpc::Status::OK;
  }

  void stop() {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }

 private:
  Script script_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};

struct FakeServer {
  FakeChat service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  explicit FakeServer(Script script) : service(std::move(script)) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service);
    server = builder.BuildAndStart();
    REQUIRE(server != nullptr);
  }
  ~FakeServer() {
    service.stop();
    server->Shutdown();
  }
};

// Downloads from a fake server into a fresh dir; the dir must be empty afterwards.
Status download_from(Script script) {
  FakeServer fake(std::move(script));
  test::TempDir dir;
  Status result;
  {
    auto client = Client::open("127.0.0.1:" + std::to_string(fake.port));
    REQUIRE(client.ok());
    REQUIRE((*client)->login("tester", {}, {}).ok());
    result = (*client)->download("f1", dir.path() / "out.bin").status();
  }
  CHECK_MESSAGE(std::filesystem::is_empty(dir.path()), "a failed download left a file behind");
  return result;
}

}  // namespace

TEST_CASE("download: the client checks the size and the sha256 it was promised") {
  const std::string data(3000, 'q');
  const std::string good_sha = test::sha256_hex(data);

  SUBCASE("a correct download is accepted (the fake server itself is sound)") {
    FakeServer fake(Script{.info_first = true,
                           .declared_size = data.size(),
                           .sha256 = good_sha,
                           .chunks = {data.substr(0, 1024), data.substr(1024)}});
    test::TempDir dir;
    auto client = Client::open("127.0.0.1:" + std::to_string(fake.port));
    REQUIRE(client.ok());
    REQUIRE((*client)->login("tester", {}, {}).ok());
    const auto r = (*client)->download("f1", dir.path() / "out.bin");
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    CHECK(test::read_file(dir.path() / "out.bin") == data);
  }
  SUBCASE("wrong sha256") {
    const auto st = download_from({true, data.size(), test::sha256_hex("other"), {data}});
    CHECK(st.code == Code::data_loss);
  }
  SUBCASE("fewer bytes than declared") {
    const auto st = download_from({true, data.size() + 1, good_sha, {data}});
    CHECK(st.code == Code::data_loss);
  }
  SUBCASE("more bytes than declared") {
    const auto st = download_from({true, data.size(), good_sha, {data, "x"}});
    CHECK(st.code == Code::data_loss);
  }
  SUBCASE("a chunk before the description") {
    const auto st = download_from({false, data.size(), good_sha, {data}});
    CHECK_FALSE(st.ok());
  }
}
