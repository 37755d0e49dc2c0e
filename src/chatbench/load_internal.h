// The insides of LoadClient shared by its two source files: a shard (one completion queue and
// its thread, with a way to run work on it) and a session (one Connect stream and its checks).
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <functional>
#include <thread>

#include "chatbench/load_client.h"
#include "chatcore/v1/chat.grpc.pb.h"
#include "transport/loop.h"

namespace chatbench {

namespace v1 = chatcore::v1;

using chatcore::transport::MemberTag;
using chatcore::transport::Tag;

// A unary call whose completion runs `then` on the shard thread, then frees the call.
template <class Response>
struct UnaryCall final : Tag {
  grpc::ClientContext ctx;
  Response response;
  grpc::Status status;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> rpc;
  std::function<void(UnaryCall&)> then;
  void on_event(bool /*ok*/) override {
    then(*this);
    delete this;
  }
};

struct LoadClient::Shard {
  explicit Shard(int text_bytes);
  void run();                            // the thread's loop
  void post(std::function<void()> fn) { waker.post(std::move(fn)); }  // runs on the shard thread
  void on_pace(bool ok);
  void send(Session& s);                 // one SendMessage from s

  grpc::CompletionQueue cq;
  std::thread thread;
  int text_bytes;
  chatcore::transport::Waker waker{&cq};

  // Paced sending, touched on the shard thread only.
  grpc::Alarm pace_alarm;
  MemberTag<Shard, &Shard::on_pace> pace_tag{this};
  std::vector<Session*> pace_senders;
  double pace_rate = 0;  // sends per second from this shard
  std::int64_t pace_start = 0, pace_end = 0;
  std::uint64_t pace_issued = 0;
  std::size_t pace_next = 0;

  std::vector<Session*> members;  // the sessions whose stream this shard reads
  DeliveryStats stats;  // shard thread only
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::uint64_t> answered{0};  // SendMessage responses
  std::atomic<int> welcomed{0};
  std::atomic<int> live{0};      // sessions whose stream has not finished
  std::atomic<int> in_flight{0};  // unary calls not yet completed
  std::atomic<bool> pacing{false};
  int tracked = 0;  // senders whose order is checked
  bool stall = false;  // sessions stop reading after their current batch
};

struct LoadClient::Session {
  Session(int index, std::string nickname, Shard& shard, v1::Chat::Stub& stub);
  void start();
  void on_start(bool ok);
  void on_read(bool ok);
  void on_finish(bool ok);
  void on_resume(bool ok);
  void handle(const v1::Event& event, std::int64_t now);

  int index;
  std::string nickname;
  Shard& shard;
  v1::Chat::Stub& stub;
  std::string token;
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientAsyncReader<v1::EventBatch>> reader;
  v1::EventBatch batch;
  grpc::Status final_status;
  MemberTag<Session, &Session::on_start> start_tag{this};
  MemberTag<Session, &Session::on_read> read_tag{this};
  MemberTag<Session, &Session::on_finish> finish_tag{this};
  MemberTag<Session, &Session::on_resume> resume_tag{this};
  grpc::Alarm resume_alarm;  // set while the session is stalled
  bool stalled = false;
  std::uint64_t last_seq = 0;
  bool closing = false;
  std::vector<std::uint64_t> last_from;  // per tracked sender: last message id
  int to_send = 0;                       // saturating: sends still to issue
  std::uint64_t next_msg = 1;            // client_msg_id of the next send
  std::string room;
  std::atomic<std::uint64_t> acked_id{0};  // newest message id a SendMessage was answered with
};

// Polls `done` every millisecond until it holds or the timeout passes: the caller's thread
// waits on counters the shard threads advance.
template <class Pred>
bool wait_for(Pred done, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A channel with a TCP connection of its own (`index` makes its arguments distinct).
std::shared_ptr<grpc::Channel> make_channel(const std::string& address, int index);

// Parses the number at the end of a nickname ("u42" -> 42); -1 if none.
int sender_index(const std::string& nickname);

}  // namespace chatbench
