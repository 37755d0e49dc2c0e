// What the client sends at Connect, seen by a fake server that scripts each stream: the
// identity secret, and after a lost stream the position of everything it handed over; and
// that a takeover (Shutdown{replaced}) ends the session instead of reconnecting.
#include <doctest/doctest.h>

#include <chatcore/client.h>

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <fstream>
#include <functional>
#include <mutex>
#include <optional>
#include <sstream>

#include "../integration/harness.h"
#include "chatcore/v1/chat.grpc.pb.h"

using namespace chatcore;
using chatcore::test::kWait;
using chatcore::test::TempDir;

namespace {

// Stream n (from 0) of the script writes what `streams[n]` puts in its batch and ends with
// the status it returns; streams past the script wait until the test ends.
using Stream = std::function<grpc::Status(v1::EventBatch&)>;

class ScriptedChat final : public v1::Chat::Service {
 public:
  explicit ScriptedChat(std::vector<Stream> streams) : streams_(std::move(streams)) {}

  grpc::Status Connect(grpc::ServerContext* ctx, const v1::ConnectRequest* request,
                       grpc::ServerWriter<v1::EventBatch>* writer) override {
    std::unique_lock lock(mu_);
    const std::size_t n = requests_.size();
    requests_.push_back(*request);
    cv_.notify_all();
    if (n >= streams_.size()) {
      cv_.wait(lock, [&] { return stop_ || ctx->IsCancelled(); });
      return grpc::Status::OK;
    }
    v1::EventBatch batch;
    const grpc::Status end = streams_[n](batch);
    lock.unlock();
    writer->Write(batch);
    return end;
  }

  std::vector<v1::ConnectRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  void stop() {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }

 private:
  std::vector<Stream> streams_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<v1::ConnectRequest> requests_;
  bool stop_ = false;
};

void welcome(v1::EventBatch& b, const std::string& session) {
  auto* e = b.add_events();
  e->set_seq(1);
  auto* w = e->mutable_welcome();
  w->set_session(session);
  w->set_nickname("erin");
  w->set_guest(false);
  w->add_rooms()->set_name("general");
}

// Lets a stream that waits for the end go, even when a failed check leaves the test early:
// the server's destructor waits for its handlers.
struct Release {
  ScriptedChat& chat;
  ~Release() { chat.stop(); }
};

struct Closed {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<Status> status;
  int reconnects = 0;
};

}  // namespace

TEST_CASE("a reconnect sends the secret and the position of all that was handed over; a takeover ends it") {
  ScriptedChat chat({
      [](v1::EventBatch& b) {
        welcome(b, "s1");
        auto* m = b.add_events()->mutable_room_message();
        m->set_message_id(5);
        m->set_room("general");
        m->set_room_epoch(2);
        m->set_text("five");
        auto* d = b.add_events()->mutable_direct_message();
        d->set_message_id(7);
        d->set_sender("frank");
        d->set_recipient("erin");
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection dropped");
      },
      [](v1::EventBatch& b) {
        welcome(b, "s2");
        auto* down = b.add_events()->mutable_shutdown();
        down->set_reason("signed in from another client");
        down->set_replaced(true);
        return grpc::Status::OK;
      },
  });
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&chat);
  auto server = builder.BuildAndStart();
  REQUIRE(server != nullptr);
  Release release{chat};

  TempDir home;
  ClientOptions options;
  options.identity_file = home.path() / "identity";
  options.state_dir = home.path() / "state";
  options.reconnect = true;
  options.reconnect_min = std::chrono::milliseconds(10);
  Closed closed;
  {
    auto client = Client::open("127.0.0.1:" + std::to_string(port), options);
    REQUIRE(client.ok());
    auto login = (*client)->login(
        "erin", {},
        [&](const Status& s) {
          std::lock_guard lock(closed.mu);
          closed.status = s;
          closed.cv.notify_all();
        },
        [&](const ConnectionChange& c) {
          std::lock_guard lock(closed.mu);
          if (c.state == ConnectionChange::State::resumed) ++closed.reconnects;
        });
    REQUIRE_MESSAGE(login.ok(), login.status().to_string());
    std::unique_lock lock(closed.mu);
    REQUIRE(closed.cv.wait_for(lock, kWait, [&] { return closed.status.has_value(); }));
    CHECK(closed.status->code == Code::aborted);
    CHECK(closed.status->message == "signed in from another client");
    CHECK(closed.reconnects == 1);
    CHECK_FALSE((*client)->logged_in());
  }
  const auto requests = chat.requests();
  REQUIRE(requests.size() == 2);  // no attempt after the takeover
  std::ifstream file(options.identity_file, std::ios::binary);
  std::stringstream secret;
  secret << file.rdbuf();
  CHECK(secret.str().size() == 32);
  for (const auto& r : requests) {
    CHECK(r.nickname() == "erin");
    CHECK(r.identity_secret() == secret.str());
  }
  CHECK_FALSE(requests[0].has_resume());  // nothing seen yet
  REQUIRE(requests[1].resume().rooms_size() == 1);
  CHECK(requests[1].resume().rooms(0).room() == "general");
  CHECK(requests[1].resume().rooms(0).epoch() == 2);
  CHECK(requests[1].resume().rooms(0).last_id() == 5);
  CHECK(requests[1].resume().last_direct_id() == 7);
}
