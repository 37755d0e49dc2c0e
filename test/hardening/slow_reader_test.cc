// A client that stops reading is cut off once its queue is full, and the room's other members
// lose nothing meanwhile.
#include <fmt/format.h>

#include <condition_variable>
#include <map>
#include <mutex>

#include "raw.h"

using namespace chatcore;
using namespace chatcore::hardening;

namespace {

constexpr int kMaxMessages = 50000;
// The flooder keeps at most this many messages ahead of what the readers received, so the
// readers' own queues (64 events) never fill because of a scheduling hiccup.
constexpr int kAhead = 16;

// A chatcore::Client that counts the flooder's numbered messages and checks their order.
class Counter {
 public:
  Counter(const TestServer& server, const std::string& nick) {
    auto client = Client::open(server.address());
    REQUIRE_MESSAGE(client.ok(), client.status().to_string());
    client_ = std::move(*client);
    auto welcome = client_->login(
        nick, [this](const Event& e) { on_event(e); }, [](const Status&) {});
    REQUIRE_MESSAGE(welcome.ok(), welcome.status().to_string());
  }
  ~Counter() { client_.reset(); }
  Client* operator->() { return client_.get(); }

  // Waits until `n` numbered messages arrived (or "end" did, with n < 0).
  bool wait(int n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30),
                        [&] { return n < 0 ? ended_ : received_ >= n; });
  }
  int received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  std::string error() {
    std::lock_guard lock(mu_);
    return error_;
  }
  std::string left_reason(const std::string& nick) {
    std::lock_guard lock(mu_);
    auto it = left_.find(nick);
    return it == left_.end() ? std::string() : it->second;
  }

 private:
  void on_event(const Event& e) {
    std::lock_guard lock(mu_);
    if (const auto* m = std::get_if<RoomMessage>(&e.body); m != nullptr && !m->replay) {
      if (m->text == "end") {
        ended_ = true;
      } else if (m->text.substr(0, 8) != fmt::format("{:08}", received_) && error_.empty()) {
        error_ = fmt::format("message {} arrived as number {}", m->text.substr(0, 8), received_);
      } else {
        ++received_;
      }
    } else if (const auto* l = std::get_if<MemberLeft>(&e.body)) {
      left_[l->nickname] = l->reason;
    }
    cv_.notify_all();
  }

  std::unique_ptr<Client> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  int received_ = 0;
  bool ended_ = false;
  std::string error_;
  std::map<std::string, std::string> left_;
};

}  // namespace

TEST_SUITE("slow_reader") {

TEST_CASE("a client that stops reading is closed; the other members lose nothing") {
  TestServer server([](Config& c) {
    c.max_queue_events = 64;
    c.message_rate = {.per_second = 0, .burst = 0};
  });
  Counter flooder(server, "flooder");
  Counter watcher(server, "watcher");
  REQUIRE(flooder->create_room("busy").ok());
  REQUIRE(watcher->join_room("busy").ok());

  // Reads its Welcome (for the token) and then nothing more.
  RawSession slow(server.address(), "slow");
  {
    grpc::ClientContext ctx;
    v1::JoinRoomRequest join;
    join.set_session(slow.token());
    join.set_name("busy");
    v1::RoomResponse response;
    const auto status = slow.stub().JoinRoom(&ctx, join, &response);
    REQUIRE_MESSAGE(status.ok(), status_text(status));
    REQUIRE(response.members() == 3);
  }

  const std::string padding(4096 - 8, 'x');
  int sent = 0;
  while (sent < kMaxMessages && flooder.left_reason("slow").empty()) {
    auto r = flooder->send("busy", fmt::format("{:08}", sent) + padding);
    REQUIRE_MESSAGE(r.ok(), "message " << sent << ": " << r.status().to_string());
    ++sent;
    if (sent > kAhead) {
      REQUIRE_MESSAGE(watcher.wait(sent - kAhead), "watcher got " << watcher.received());
      REQUIRE_MESSAGE(flooder.wait(sent - kAhead), "flooder got " << flooder.received());
    }
  }
  MESSAGE("the slow reader was cut off after " << sent << " messages of 4 KiB");
  REQUIRE_MESSAGE(!flooder.left_reason("slow").empty(),
                  "the slow reader was still a member after " << sent << " messages");
  CHECK_MESSAGE(flooder.left_reason("slow").find("too slow") != std::string::npos,
                flooder.left_reason("slow"));

  REQUIRE(flooder->send("busy", "end").ok());
  REQUIRE(watcher.wait(-1));
  REQUIRE(flooder.wait(-1));
  CHECK(watcher.error().empty());
  CHECK(watcher.received() == sent);
  CHECK(flooder.received() == sent);
  CHECK(watcher.left_reason("slow").find("too slow") != std::string::npos);

  auto users = watcher->list_users("busy");
  REQUIRE(users.ok());
  CHECK(users->size() == 2);

  // The slow client finally reads: whatever was in flight, then the reason.
  const auto status = slow.drain_and_finish();
  CHECK_MESSAGE(status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED, status_text(status));
  CHECK_MESSAGE(status.error_message().find("fell too far behind") != std::string::npos,
                status_text(status));
}

}  // TEST_SUITE
