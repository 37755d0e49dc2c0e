// The ceiling's loop, its sessions (Connect) and its unary calls (SendMessage fans out to the
// group named by the room; CreateRoom and JoinRoom only move the session into a group).
#include "chatbench/ceiling_server.h"

#include <pthread.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpc/support/time.h>

#include <chrono>

#include "chatbench/ceiling_internal.h"

namespace chatbench {
namespace {
constexpr int kMaxBatchEvents = 4096;
constexpr std::size_t kMaxBatchBytes = 1 << 20;
constexpr int kMaxTurnEvents = 1024;
// gRPC's epoll poller handles one ready descriptor per poll (epoll1's
// MAX_EPOLL_EVENTS_HANDLED_PER_ITERATION is 1), so a zero-deadline AsyncNext says TIMEOUT
// whenever that one socket made no completion, with others still ready. A turn ends only
// after this many empty polls in a row (each a non-blocking epoll_wait).
constexpr int kEmptyPolls = 32;
constexpr int kSendRequests = 32;  // SendMessage calls the loop can accept without re-arming

using google::protobuf::io::CodedOutputStream;
using google::protobuf::internal::WireFormatLite;

Wire serialise(const v1::Event& event) {
  return std::make_shared<const std::string>(event.SerializeAsString());
}

// Appends one element of EventBatch.events: this session's seq, then the shared bytes (a
// parser does not care about field order).
void append_event(std::string& out, std::uint64_t seq, const std::string& wire) {
  constexpr auto kBatchTag = WireFormatLite::MakeTag(v1::EventBatch::kEventsFieldNumber,
                                                     WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
  constexpr auto kSeqTag =
      WireFormatLite::MakeTag(v1::Event::kSeqFieldNumber, WireFormatLite::WIRETYPE_VARINT);
  const std::size_t inner = CodedOutputStream::VarintSize32(kSeqTag) +
                            CodedOutputStream::VarintSize64(seq) + wire.size();
  std::uint8_t head[32];
  std::uint8_t* p = CodedOutputStream::WriteVarint32ToArray(kBatchTag, head);
  p = CodedOutputStream::WriteVarint32ToArray(static_cast<std::uint32_t>(inner), p);
  p = CodedOutputStream::WriteVarint32ToArray(kSeqTag, p);
  p = CodedOutputStream::WriteVarint64ToArray(seq, p);
  out.append(reinterpret_cast<const char*>(head), static_cast<std::size_t>(p - head));
  out.append(wire);
}

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void move_to_group(CeilingServer::State& st, CeilingConnect* who, const std::string& from,
                   const std::string& to) {
  auto& old = st.groups[from];
  std::erase(old, who);
  st.groups[to].push_back(who);
}

// One loop turn: the completion that woke the loop, then every one already waiting (up to a
// bound, so a turn ends; see kEmptyPolls), then one write per session with events queued:
// Redis's beforeSleep, grpc-go's loopy writer.
void run_loop(CeilingServer::State& st) {
  void* tag = nullptr;
  bool ok = false;
  while (st.cq->Next(&tag, &ok)) {
    static_cast<Tag*>(tag)->on_event(ok);
    int empty = 0;
    for (int i = 0; i < kMaxTurnEvents && empty < kEmptyPolls;) {
      const auto status = st.cq->AsyncNext(&tag, &ok, gpr_time_0(GPR_CLOCK_MONOTONIC));
      if (status == grpc::CompletionQueue::SHUTDOWN) break;
      if (status == grpc::CompletionQueue::TIMEOUT) {
        ++empty;
        continue;
      }
      empty = 0;
      ++i;
      static_cast<Tag*>(tag)->on_event(ok);
    }
    std::vector<CeilingConnect*> turn;
    turn.swap(st.pending);
    for (CeilingConnect* c : turn) c->flush();
  }
}

template <class Request, class Response>
class CeilingUnary final : public Tag {
 public:
  using RequestFn = void (CeilingService::*)(grpc::ServerContext*, Request*,
                                                      grpc::ServerAsyncResponseWriter<Response>*,
                                                      grpc::CompletionQueue*,
                                                      grpc::ServerCompletionQueue*, void*);
  using Handler = void (*)(CeilingServer::State&, const Request&, Response&);

  CeilingUnary(CeilingServer::State& st, RequestFn fn, Handler h)
      : st_(st), fn_(fn), handler_(h), responder_(&ctx_) {
    (st_.service.*fn_)(&ctx_, &request_, &responder_, st_.cq.get(), st_.cq.get(), this);
  }
  void on_event(bool ok) override {
    if (!ok || finishing_) {
      delete this;
      return;
    }
    if (!st_.stopping) new CeilingUnary(st_, fn_, handler_);
    handler_(st_, request_, response_);
    finishing_ = true;
    responder_.Finish(response_, grpc::Status::OK, this);
  }

 private:
  CeilingServer::State& st_;
  RequestFn fn_;
  Handler handler_;
  grpc::ServerContext ctx_;
  Request request_;
  Response response_;
  grpc::ServerAsyncResponseWriter<Response> responder_;
  bool finishing_ = false;
};

void handle_send(CeilingServer::State& st, const v1::SendMessageRequest& req,
                 v1::SendResponse& resp) {
  const auto it = st.by_token.find(req.session());
  if (it == st.by_token.end()) return;
  v1::Event event;
  event.set_time_unix_ms(unix_ms());
  auto* m = event.mutable_room_message();
  m->set_message_id(st.next_id++);
  m->set_room(req.room());
  m->set_sender(it->second->nickname());
  m->set_text(req.text());
  m->set_client_msg_id(req.client_msg_id());
  m->set_sent_unix_ms(event.time_unix_ms());
  resp.set_message_id(m->message_id());
  const Wire wire = serialise(event);
  for (CeilingConnect* member : st.groups[req.room()]) member->push(wire);
}

template <class Request>
void handle_join(CeilingServer::State& st, const Request& req, v1::RoomResponse& resp) {
  const auto it = st.by_token.find(req.session());
  if (it == st.by_token.end()) return;
  move_to_group(st, it->second, "", req.name());
  resp.set_room(req.name());
}
}  // namespace

void arm_ceiling_send(CeilingServer::State& st) {
  using Svc = v1::Chat::AsyncService;
  for (int i = 0; i < kSendRequests; ++i) {
    new CeilingUnary<v1::SendMessageRequest, v1::SendResponse>(st, &Svc::RequestSendMessage,
                                                                &handle_send);
  }
  new CeilingUnary<v1::JoinRoomRequest, v1::RoomResponse>(st, &Svc::RequestJoinRoom,
                                                           &handle_join<v1::JoinRoomRequest>);
  new CeilingUnary<v1::CreateRoomRequest, v1::RoomResponse>(st, &Svc::RequestCreateRoom,
                                                             &handle_join<v1::CreateRoomRequest>);
}

CeilingConnect::CeilingConnect(CeilingServer::State& st) : st_(st), writer_(&ctx_) {
  ctx_.AsyncNotifyWhenDone(&done_tag_);
  st_.service.RequestConnect(&ctx_, &request_, &writer_, st_.cq.get(), st_.cq.get(),
                             &request_tag_);
}

void CeilingConnect::on_request(bool ok) {
  if (!ok) {
    delete this;
    return;
  }
  started_ = true;
  if (!st_.stopping) new CeilingConnect(st_);
  v1::ConnectRequest request;
  if (!grpc::SerializationTraits<v1::ConnectRequest>::Deserialize(&request_, &request).ok()) {
    broken_ = true;
    writer_.Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad request"), &write_tag_);
    writing_ = true;
    return;
  }
  nickname_ = request.nickname();
  token_ = std::to_string(st_.next_id++);
  st_.by_token[token_] = this;
  st_.groups[""].push_back(this);
  v1::Event welcome;
  welcome.set_time_unix_ms(unix_ms());
  auto* w = welcome.mutable_welcome();
  w->set_session(token_);
  w->set_nickname(nickname_);
  w->mutable_limits()->set_max_file_size(std::uint64_t{1} << 40);
  w->mutable_limits()->set_chunk_size(st_.options.chunk_size);
  w->mutable_limits()->set_max_message_bytes(4096);
  w->set_server("ceiling");
  push(serialise(welcome));
}

void CeilingConnect::push(Wire event) {
  if (broken_) return;
  queue_.push_back(std::move(event));
  if (!st_.options.batched) {
    if (!writing_) write_next();
    return;
  }
  mark_pending();
}

void CeilingConnect::mark_pending() {
  if (pending_) return;
  pending_ = true;
  st_.pending.push_back(this);
}

void CeilingConnect::flush() {
  pending_ = false;
  if (!writing_ && !broken_) write_next();
}

void CeilingConnect::write_next() {
  if (queue_.empty()) return;
  bytes_.clear();
  const int limit = st_.options.batched ? kMaxBatchEvents : 1;
  for (int n = 0; !queue_.empty() && n < limit && bytes_.size() < kMaxBatchBytes; ++n) {
    append_event(bytes_, ++seq_, *queue_.front());
    queue_.pop_front();
  }
  grpc::Slice slice(bytes_.data(), bytes_.size());
  batch_ = grpc::ByteBuffer(&slice, 1);
  // No buffer hint: with a connection per session nothing else would join this write, and a
  // hinted write waits for a later unhinted one.
  writing_ = true;
  writer_.Write(batch_, &write_tag_);
}

void CeilingConnect::on_write(bool ok) {
  writing_ = false;
  if (!ok) {
    broken_ = true;
    queue_.clear();
    maybe_delete();
    return;
  }
  if (!st_.options.batched) {
    write_next();
  } else if (!queue_.empty()) {
    mark_pending();  // what arrived meanwhile leaves at the end of this turn, in one write
  }
}

void CeilingConnect::on_done(bool /*ok*/) {
  done_ = true;
  broken_ = true;
  queue_.clear();
  if (started_) {
    st_.by_token.erase(token_);
    for (auto& [name, members] : st_.groups) std::erase(members, this);
  }
  maybe_delete();
}

void CeilingConnect::maybe_delete() {
  if (!done_ || writing_) return;
  if (pending_) std::erase(st_.pending, this);
  delete this;
}

CeilingServer::CeilingServer(CeilingOptions options) : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
}

CeilingServer::~CeilingServer() {
  auto& st = *state_;
  if (!st.server) return;
  st.stopping = true;
  st.server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  st.cq->Shutdown();
  st.thread.join();
}

bool CeilingServer::start() {
  auto& st = *state_;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &st.port);
  builder.RegisterService(&st.service);
  builder.SetMaxReceiveMessageSize(static_cast<int>(st.options.chunk_size) + 64 * 1024);
  st.cq = builder.AddCompletionQueue();
  st.server = builder.BuildAndStart();
  if (!st.server || st.port == 0) return false;
  new CeilingConnect(st);
  arm_ceiling_send(st);
  arm_ceiling_upload(st);
  arm_ceiling_download(st);
  st.thread = std::thread([&st] { run_loop(st); });
  return true;
}

std::string CeilingServer::address() const {
  return "127.0.0.1:" + std::to_string(state_->port);
}

int CeilingServer::port() const { return state_->port; }

double CeilingServer::thread_cpu_s() const {
  clockid_t id{};
  timespec ts{};
  if (pthread_getcpuclockid(const_cast<std::thread&>(state_->thread).native_handle(), &id) != 0) return 0;
  if (clock_gettime(id, &ts) != 0) return 0;
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace chatbench
