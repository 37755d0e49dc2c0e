#include "cluster/log_store.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <string_view>
#include <utility>

#include "util/log.h"

namespace chatcore::cluster {

namespace {
constexpr char kMsgIdHeader[] = "Nats-Msg-Id";
constexpr std::int64_t kConsumerHeartbeatMs = 1000;
constexpr std::int64_t kNanosPerMs = 1'000'000;

// A publish's Nats-Msg-Id is "<node>:<op>"; ops start at this process's start time in
// microseconds, so a restarted node never reuses one inside the de-duplication window.
std::string msg_id(const std::string& node, std::uint64_t op) {
  return fmt::format("{}:{}", node, op);
}

std::uint64_t op_of(natsMsg* msg) {
  const char* id = nullptr;
  if (natsMsgHeader_Get(msg, kMsgIdHeader, &id) != NATS_OK || id == nullptr) return 0;
  const char* colon = std::strrchr(id, ':');
  return colon == nullptr ? 0 : std::strtoull(colon + 1, nullptr, 10);
}

Status unreachable(std::string why) {
  return Status(Code::unavailable, "the cluster is not reachable: " + std::move(why));
}
}  // namespace

Result<std::unique_ptr<LogStore>> LogStore::open(natsConnection* nats,
                                                 std::unique_ptr<store::SqliteStore> replica,
                                                 store::Post post, LogOptions options) {
  std::unique_ptr<LogStore> s(new LogStore(nats, std::move(post), std::move(options)));
  if (auto status = s->start(std::move(replica)); !status.ok()) return status;
  return s;
}

LogStore::LogStore(natsConnection* nats, store::Post post, LogOptions options)
    : nats_(nats), post_(std::move(post)), options_(std::move(options)) {
  std::string prefix = options_.stream.subjects;
  if (!prefix.empty() && prefix.back() == '>') prefix.pop_back();
  subject_ = prefix + options_.node;
  next_op_ = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
}

LogStore::~LogStore() {
  close();
  *alive_ = false;
  if (js_ != nullptr) jsCtx_Destroy(js_);
}

Status LogStore::start(std::unique_ptr<store::SqliteStore> db) {
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = options_.publish_timeout_ms;
  jo.PublishAsync.AckHandler = &LogStore::on_ack;
  jo.PublishAsync.AckHandlerClosure = this;
  if (natsStatus s = natsConnection_JetStream(&js_, nats_, &jo); s != NATS_OK) {
    return nats_failure("open JetStream", s);
  }
  auto replicas = ensure_log_stream(js_, options_.stream);
  if (!replicas.ok()) return replicas.status();
  options_.stream.replicas = *replicas;
  auto state = log_state(js_, options_.stream.name);
  if (!state.ok()) return state.status();

  auto opened = Replica::open(
      std::move(db), [alive = alive_, this](std::uint64_t seq, Decoded&& c, Result<Outcome> r) {
        if (*alive) applied(seq, std::move(c), std::move(r));
      });
  if (!opened.ok()) return opened.status();
  replica_ = std::move(*opened);
  const std::uint64_t at = replica_->position();
  if (at > state->last_seq) {
    return Status(Code::failed_precondition,
                  fmt::format("this node's database has applied the log up to {}, but the log "
                              "{} ends at {}: the database belongs to another cluster (or the "
                              "stream was deleted)",
                              at, options_.stream.name, state->last_seq));
  }
  if (at + 1 < state->first_seq) {
    return Status(Code::failed_precondition,
                  fmt::format("the log {} no longer holds commands {} to {} that this node has "
                              "not applied (it was away longer than the log keeps them); "
                              "joining from another node's database is not supported yet",
                              options_.stream.name, at + 1, state->first_seq - 1));
  }

  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = options_.stream.name.c_str();
  // An ordered consumer hands over every command in stream order, without gaps, and
  // re-creates itself from the last one it delivered after a reconnect.
  so.Ordered = true;
  // The consumer lives on one NATS server. When that one dies or restarts, only missed idle
  // heartbeats tell nats.c to re-create it elsewhere: its default (5 s) left this node
  // applying nothing, and its writes unanswered, for 10 to 15 s; 1 s makes that 2 to 3 s.
  so.Config.Heartbeat = kConsumerHeartbeatMs * kNanosPerMs;
  if (at > 0) {
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = at + 1;
  }
  jsErrCode code = static_cast<jsErrCode>(0);
  jsOptions wait = setup_options();
  if (natsStatus s = js_Subscribe(&sub_, js_, options_.stream.subjects.c_str(),
                                  &LogStore::on_message, this, &wait, &so, &code);
      s != NATS_OK) {
    return nats_failure("subscribe to the log", s, code);
  }
  natsSubscription_SetOnCompleteCB(sub_, &LogStore::on_closed, this);

  std::unique_lock lock(apply_mutex_);
  const bool caught_up =
      caught_up_.wait_for(lock, std::chrono::milliseconds(options_.catch_up_ms), [&] {
        return replica_->position() >= state->last_seq || replica_->broken();
      });
  if (replica_->broken()) {
    return Status(Code::failed_precondition,
                  "this node stopped applying the log while catching up (see the log above)");
  }
  if (!caught_up) {
    return unreachable(fmt::format("caught up to {} of {} commands in {} ms",
                                   replica_->position(), state->last_seq, options_.catch_up_ms));
  }
  return {};
}

std::string LogStore::describe() const {
  return fmt::format("replicated log {} on NATS JetStream ({} replica{}), node {}, over {}",
                     options_.stream.name, options_.stream.replicas,
                     options_.stream.replicas == 1 ? "" : "s", options_.node,
                     replica_->store().describe());
}

Result<store::Snapshot> LogStore::load(std::size_t recent_per_room) {
  // Holding the consumer back: the snapshot holds exactly the commands up to the position.
  const std::lock_guard lock(apply_mutex_);
  loaded_through_ = replica_->position();
  return replica_->store().load(recent_per_room);
}

void LogStore::submit(Write write, store::Done<Outcome> done) {
  auto refuse = [this, &done](Status s) {
    post_([done = std::move(done), s = std::move(s)] { done(s); });
  };
  if (closed_) return refuse(Status(Code::unavailable, "the store is closed"));
  if (replica_->broken()) {
    return refuse(Status(Code::unavailable, "this node stopped applying the cluster's log"));
  }
  // Not connected: refuse at once rather than queue a write that might land much later.
  if (natsConnection_Status(nats_) != NATS_CONN_STATUS_CONNECTED) {
    return refuse(unreachable("this node is not connected to NATS"));
  }
  const std::uint64_t op = next_op_++;
  const std::string bytes = encode({options_.node, op}, write);
  const std::string id = msg_id(options_.node, op);
  natsMsg* msg = nullptr;
  natsStatus s = natsMsg_Create(&msg, subject_.c_str(), nullptr, bytes.data(),
                                static_cast<int>(bytes.size()));
  if (s == NATS_OK) {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = id.c_str();
    po.MaxWait = options_.publish_timeout_ms;
    pending_.emplace(op, std::move(done));
    s = js_PublishMsgAsync(js_, &msg, &po);
    if (s != NATS_OK) {
      done = std::move(pending_.at(op));
      pending_.erase(op);
    }
  }
  natsMsg_Destroy(msg);  // NULL once the library took it
  if (s != NATS_OK) refuse(nats_failure("publish to the log", s));
}

void LogStore::read(std::function<void()> issue) {
  if (closed_ || pending_.empty()) return issue();
  reads_.push_back({next_op_ - 1, std::move(issue)});
}

void LogStore::release_reads() {
  while (!reads_.empty() &&
         (pending_.empty() || pending_.begin()->first > reads_.front().after_op)) {
    auto issue = std::move(reads_.front().issue);
    reads_.pop_front();
    issue();
  }
}

void LogStore::applied(std::uint64_t seq, Decoded&& command, Result<Outcome> outcome) {
  if (command.origin.node == options_.node) {
    if (auto it = pending_.find(command.origin.op); it != pending_.end()) {
      auto done = std::move(it->second);
      pending_.erase(it);
      done(std::move(outcome));
      release_reads();
      return;
    }
  }
  if (seq <= loaded_through_ || !observer_) return;
  observer_(LogChange{std::move(command.origin.node), seq, std::move(command.write),
                      std::move(outcome)});
}

void LogStore::fail(std::uint64_t op, const Status& status) {
  auto it = pending_.find(op);
  if (it == pending_.end()) return;  // applied already: the log has it
  auto done = std::move(it->second);
  pending_.erase(it);
  done(status);
  release_reads();
}

void LogStore::fail_all(const Status& status) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [op, done] : pending) done(status);
  release_reads();
}

void LogStore::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  auto* me = static_cast<LogStore*>(self);
  const char* reply = natsMsg_GetReply(msg);
  std::uint64_t seq = reply != nullptr ? stream_sequence(reply) : 0;
  // A reply subject of a form this build does not know: the library's own reading.
  if (jsMsgMetaData* meta = nullptr; seq == 0 && natsMsg_GetMetaData(&meta, msg) == NATS_OK) {
    seq = meta->Sequence.Stream;
    jsMsgMetaData_Destroy(meta);
  }
  if (seq != 0) {
    Result<bool> r = false;
    {
      const std::lock_guard lock(me->apply_mutex_);
      r = me->replica_->apply(seq, std::string_view(natsMsg_GetData(msg),
                                                    static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
    }
    me->caught_up_.notify_all();
    if (!r.ok() && !me->reported_.exchange(true)) {
      log::error("cluster: this node stops applying the log: {}", r.status().message);
      me->post_([alive = me->alive_, me, s = r.status()] {
        if (*alive) me->fail_all(Status(Code::unavailable, "this node stopped applying the "
                                                           "cluster's log: " + s.message));
      });
    }
  }
  natsMsg_Destroy(msg);
}

void LogStore::on_ack(jsCtx*, natsMsg* msg, jsPubAck*, jsPubAckErr* err, void* self) {
  auto* me = static_cast<LogStore*>(self);
  if (err != nullptr) {
    // Not stored (or not known to be): the write fails, unless its command comes back
    // through the log first, which then answers it.
    const std::uint64_t op = op_of(msg);
    const std::string why = err->ErrText != nullptr && *err->ErrText != '\0'
                                ? err->ErrText
                                : natsStatus_GetText(err->Err);
    me->post_([alive = me->alive_, me, op, why] {
      if (*alive) me->fail(op, unreachable("JetStream did not acknowledge the write (" + why + ")"));
    });
  }
  natsMsg_Destroy(msg);
}

void LogStore::on_closed(void* self) {
  auto* me = static_cast<LogStore*>(self);
  {
    const std::lock_guard lock(me->apply_mutex_);
    me->sub_closed_ = true;
  }
  me->caught_up_.notify_all();
}

void LogStore::close() {
  if (closed_) return;
  closed_ = true;
  if (sub_ != nullptr) {
    natsSubscription_Unsubscribe(sub_);
    std::unique_lock lock(apply_mutex_);
    // The last delivery callback has returned once this comes.
    caught_up_.wait_for(lock, std::chrono::seconds(5), [this] { return sub_closed_; });
    lock.unlock();
    natsSubscription_Destroy(sub_);
    sub_ = nullptr;
  }
  if (js_ != nullptr) {
    // Every publish has an ack or a timeout by then: no ack callback runs after this.
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = options_.publish_timeout_ms + 1000;
    js_PublishAsyncComplete(js_, &po);
  }
  if (replica_ == nullptr) return;
  // Writes whose command will not come back now: posted as failures; waiting reads go out.
  for (auto& [op, done] : pending_) {
    post_([done = std::move(done)] { done(Status(Code::unavailable, "the store is closed")); });
  }
  pending_.clear();
  release_reads();
  replica_->store().close();
}

}  // namespace chatcore::cluster
