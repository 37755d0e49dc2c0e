// Bursts of events: whatever the loop batches per turn, every member gets every event, once,
// in order; and a burst made in one turn reaches a member as one stream message.
#include <grpcpp/grpcpp.h>

#include <map>
#include <thread>

#include "chatcore/v1/chat.grpc.pb.h"
#include "harness.h"

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

// A session over the generated stub that counts the stream messages (EventBatch) it reads.
class CountingReader {
 public:
  CountingReader(const std::string& address, const std::string& nickname) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
    // The stub keeps the channel alive.
    stub_ = v1::Chat::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
    v1::ConnectRequest request;
    request.set_nickname(nickname);
    ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    reader_ = stub_->Connect(&ctx_, request);
    v1::EventBatch first;
    REQUIRE(reader_->Read(&first));
    REQUIRE(first.events_size() >= 1);
    REQUIRE(first.events(0).has_welcome());
    token_ = first.events(0).welcome().session();
  }
  ~CountingReader() {
    ctx_.TryCancel();
    v1::EventBatch batch;
    while (reader_->Read(&batch)) {
    }
    reader_->Finish();
  }

  void join(const std::string& room) {
    grpc::ClientContext ctx;
    v1::JoinRoomRequest request;
    request.set_session(token_);
    request.set_name(room);
    v1::RoomResponse response;
    const auto status = stub_->JoinRoom(&ctx, request, &response);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
  }
  // The next stream message; fails the test if the stream ends first.
  v1::EventBatch read() {
    v1::EventBatch batch;
    REQUIRE(reader_->Read(&batch));
    return batch;
  }

 private:
  std::string token_;
  std::unique_ptr<v1::Chat::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::EventBatch>> reader_;
};

}  // namespace

TEST_CASE("a burst from several senders reaches every member complete and in each sender's order") {
  TestServer server;
  constexpr int kSenders = 4;
  constexpr int kEach = 250;
  std::vector<std::unique_ptr<TestUser>> users;
  for (int i = 0; i < kSenders; ++i) {
    users.push_back(std::make_unique<TestUser>(server, "sender" + std::to_string(i)));
  }
  TestUser listener(server, "listener");
  REQUIRE(listener->create_room("burst").ok());
  for (auto& u : users) REQUIRE((*u)->join_room("burst").ok());
  // Every member has seen everyone join before the burst starts.
  for (auto* log : {&listener.log()}) {
    for (int i = 0; i < kSenders; ++i) log->wait_for<MemberJoined>();
  }
  for (int i = 0; i < kSenders; ++i) {
    users[i]->log().wait_for<MemberJoined>([&](const MemberJoined& e) {
      return e.nickname == "sender" + std::to_string(kSenders - 1);
    });
  }

  std::vector<std::thread> threads;
  for (int i = 0; i < kSenders; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kEach; ++n) {
        const auto id = (*users[i])->send("burst", std::to_string(n));
        if (!id.ok()) FAIL_CHECK("send failed: " << id.status().to_string());
      }
    });
  }
  for (auto& t : threads) t.join();

  // EventLog itself fails on a gap or a reordering of seq; here each sender's texts must come
  // in the order sent, none missing, none twice.
  std::vector<test::EventLog*> logs{&listener.log()};
  for (auto& u : users) logs.push_back(&u->log());
  for (auto* log : logs) {
    std::map<std::string, int> next;
    for (int got = 0; got < kSenders * kEach; ++got) {
      const auto m = log->wait_for<RoomMessage>();
      CHECK(m.text == std::to_string(next[m.sender]));
      ++next[m.sender];
    }
    for (int i = 0; i < kSenders; ++i) CHECK(next["sender" + std::to_string(i)] == kEach);
  }
  server.expect_quiet(listener);
}

TEST_CASE("a join's history replay, made in one loop turn, arrives as one stream message") {
  TestServer server;
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("archive").ok());
  constexpr int kMessages = 60;
  for (int n = 0; n < kMessages; ++n) REQUIRE(alice->send("archive", std::to_string(n)).ok());

  CountingReader reader(server.address(), "reader");
  reader.join("archive");
  // The join made, in one handler: the replay header, every replayed message, the join
  // notice. Written once per loop turn, they share one EventBatch.
  const auto batch = reader.read();
  REQUIRE(batch.events_size() >= kMessages + 1);
  CHECK(batch.events(0).has_history());
  CHECK(batch.events(0).history().count() == kMessages);
  std::uint64_t seq = batch.events(0).seq();
  for (int n = 0; n < kMessages; ++n) {
    const auto& e = batch.events(n + 1);
    REQUIRE(e.has_room_message());
    CHECK(e.room_message().replay());
    CHECK(e.room_message().text() == std::to_string(n));
    CHECK(e.seq() == ++seq);
  }
}
