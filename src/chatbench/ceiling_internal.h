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

struct CeilingServer::State {
  CeilingOptions options;
  v1::Chat::AsyncService service;
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
  void push(std::shared_ptr<const v1::Event> event);
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
  v1::ConnectRequest request_;
  grpc::ServerAsyncWriter<v1::EventBatch> writer_;
  v1::EventBatch batch_;
  std::deque<std::shared_ptr<const v1::Event>> queue_;
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
