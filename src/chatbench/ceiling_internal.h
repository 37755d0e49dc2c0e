// The calls of CeilingServer and the state they share. Everything runs on the one loop
// thread; each call object is a state machine whose tags are its member functions. Batched,
// a session's events wait for the end of the loop turn and leave in one write.
#pragma once

#include <grpcpp/grpcpp.h>

#include <deque>
#include <map>
#include <thread>
#include <unordered_map>

#include "chatbench/ceiling_server.h"
#include "chatbench/load_internal.h"

namespace chatbench {

class CeilingConnect;

struct StoredFile {
  std::filesystem::path path;
  std::uint64_t size = 0;
  std::string sha256;
  std::string name;
};

// Connect is raw (bytes in, bytes out) so that a broadcast is serialised once and each
// recipient's batch is assembled from the shared bytes, as a server at gRPC's limit must.
using CeilingService = v1::Chat::WithRawMethod_Connect<v1::Chat::AsyncService>;
using Wire = std::shared_ptr<const std::string>;  // an Event serialised without its seq

struct CeilingServer::State {
  CeilingOptions options;
  CeilingService service;
  std::unique_ptr<grpc::ServerCompletionQueue> cq;
  std::unique_ptr<grpc::Server> server;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopping{false};
  std::uint64_t next_id = 1;
  std::unordered_map<std::string, CeilingConnect*> by_token;
  std::map<std::string, std::vector<CeilingConnect*>> groups;  // room -> members
  std::map<std::string, StoredFile> files;
  std::vector<CeilingConnect*> pending;  // sessions with events queued this turn
};

class CeilingConnect final {
 public:
  explicit CeilingConnect(CeilingServer::State& st);
  void push(Wire event);
  const std::string& nickname() const { return nickname_; }
  void flush();  // end of the loop turn: one write with everything queued, unless writing

 private:
  void on_request(bool ok);
  void on_write(bool ok);
  void on_done(bool ok);
  void write_next();
  void mark_pending();
  void maybe_delete();

  CeilingServer::State& st_;
  grpc::ServerContext ctx_;
  grpc::ByteBuffer request_;
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_;
  grpc::ByteBuffer batch_;
  std::string bytes_;  // the batch being assembled, reused
  std::deque<Wire> queue_;
  std::string nickname_, token_, room_;
  std::uint64_t seq_ = 0;
  bool started_ = false, writing_ = false, done_ = false;
  bool broken_ = false, pending_ = false;
  MemberTag<CeilingConnect, &CeilingConnect::on_request> request_tag_{this};
  MemberTag<CeilingConnect, &CeilingConnect::on_write> write_tag_{this};
  MemberTag<CeilingConnect, &CeilingConnect::on_done> done_tag_{this};
};

void arm_ceiling_send(CeilingServer::State& st);
void arm_ceiling_upload(CeilingServer::State& st);
void arm_ceiling_download(CeilingServer::State& st);

}  // namespace chatbench
