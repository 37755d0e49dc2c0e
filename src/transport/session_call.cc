#include "transport/session_call.h"

#include "transport/convert.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {
std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

void append_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::size_t queue_bytes(const std::vector<model::WriteQueue::Item>& items) {
  std::size_t total = 0;
  for (const auto& item : items) total += item.wire->size() + 16;
  return total;
}

// One stream message carries at most this much: big enough to amortise a write, small
// enough that a batch never waits long behind a large one.
constexpr std::size_t kBatchEvents = 512;
constexpr std::size_t kBatchBytes = 256 * 1024;
}  // namespace

void arm_connect(ServiceContext& ctx) { new SessionCall(ctx); }

SessionCall::SessionCall(ServiceContext& ctx)
    : ctx_(ctx),
      writer_(&server_ctx_),
      queue_({.max_events = ctx.config.max_queue_events, .max_bytes = ctx.config.max_queue_bytes}) {
  server_ctx_.AsyncNotifyWhenDone(&done_tag_);
  ctx_.service.RequestConnect(&server_ctx_, &raw_request_, &writer_, ctx_.cq.get(), ctx_.cq.get(),
                              &request_tag_);
}

void SessionCall::on_request(bool ok) {
  if (!ok) {
    // The server is shutting down and this call never started: no done tag will come.
    delete this;
    return;
  }
  active_.start(ctx_, "Connect");
  if (!ctx_.shutting_down) arm_connect(ctx_);
  peer_ = server_ctx_.peer();
  state_ = State::streaming;
  if (!grpc::SerializationTraits<v1::ConnectRequest>::Deserialize(&raw_request_, &request_).ok()) {
    finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "cannot parse request: it is malformed or a string is not valid UTF-8"));
    return;
  }
  if (auto status = ctx_.check_address(peer_); !status.ok()) {
    log::warn("login of '{}' from {} refused: {}", request_.nickname().substr(0, 64), peer_,
              status.message);
    finish(to_grpc(status));
    return;
  }
  auto id = ctx_.hub.connect(request_.nickname(), this);
  if (!id.ok()) {
    log::info("login refused for '{}' from {}: {}", request_.nickname().substr(0, 64), peer_,
              id.status().message);
    finish(to_grpc(id.status()));
    return;
  }
  id_ = *id;
  ctx_.sessions.emplace(id_, this);
  ctx_.session_opened(id_, peer_);
  log::info("user {} connected from {} ({})", ctx_.hub.nickname(id_), peer_,
            request_.client().empty() ? "unnamed client" : request_.client().substr(0, 64));
}

void SessionCall::deliver(const EventPtr& event) {
  // Once the stream is to end (shutdown, overflow) nothing more is queued: the shutdown
  // notice stays the last event a client sees, not the noise of everyone else leaving.
  if (state_ != State::streaming || overflowed_ || finish_queued_) return;
  ctx_.metrics.deliveries.add();
  switch (queue_.push(event, ctx_.encoder.encode(event))) {
    case model::WriteQueue::Push::start_write:
      write_next();
      break;
    case model::WriteQueue::Push::queued:
      break;
    case model::WriteQueue::Push::overflow:
      // deliver() runs inside the hub's fan-out, which must not be re-entered: close later.
      overflowed_ = true;
      ctx_.metrics.refused(Metrics::Refusal::overflow);
      ++posted_;
      ctx_.waker->post([this] {
        --posted_;
        close_overflowed();
      });
      break;
  }
}

void SessionCall::write_next() {
  auto events = queue_.take_batch(kBatchEvents, kBatchBytes);
  if (events.empty()) return;
  // EventBatch is `repeated Event events = 1`; each Event is this session's seq (field 1)
  // followed by the shared encoding of the rest. Field order does not matter to parsers.
  std::string out;
  out.reserve(queue_bytes(events));
  for (const auto& item : events) {
    const std::uint64_t seq = ++seq_;
    const std::size_t inner = 1 + varint_size(seq) + item.wire->size();
    out.push_back(static_cast<char>(0x0a));  // field 1, length-delimited
    append_varint(out, inner);
    out.push_back(static_cast<char>(0x08));  // field 1 (seq), varint
    append_varint(out, seq);
    out.append(*item.wire);
  }
  grpc::Slice slice(out);
  batch_ = grpc::ByteBuffer(&slice, 1);
  write_in_flight_ = true;
  // While more events wait, let gRPC hold this batch back and send it with the next one;
  // the last write of a run flushes. Never the first write of a stream: gRPC may never
  // complete a buffer-hinted first write.
  grpc::WriteOptions options;
  if (wrote_first_ && !queue_.empty()) options.set_buffer_hint();
  wrote_first_ = true;
  writer_.Write(batch_, options, &write_tag_);
}

void SessionCall::on_write(bool ok) {
  write_in_flight_ = false;
  const bool more = queue_.write_done();
  if (!ok || done_) {
    // The stream is broken, or the client is gone already (the done tag can overtake a
    // write's tag): nothing more will be written.
    if (state_ == State::streaming) state_ = State::finished;
    maybe_delete();
    return;
  }
  if (more && (!finish_queued_ || flush_first_)) {
    write_next();
  } else if (finish_queued_) {
    start_finish();
  }
}

void SessionCall::finish_after_flush(grpc::Status status) {
  if (state_ != State::streaming || finish_queued_) return;
  finish_queued_ = true;
  flush_first_ = true;
  final_status_ = std::move(status);
  if (!write_in_flight_) {
    if (queue_.empty()) {
      start_finish();
    } else {
      write_next();
    }
  }
}

void SessionCall::finish(grpc::Status status) {
  if (state_ != State::streaming || finish_queued_) return;
  finish_queued_ = true;
  flush_first_ = false;
  final_status_ = std::move(status);
  if (!write_in_flight_) start_finish();
}

void SessionCall::start_finish() {
  state_ = State::finishing;
  writer_.Finish(final_status_, &finish_tag_);
}

void SessionCall::close_overflowed() {
  if (state_ != State::streaming) {
    maybe_delete();
    return;
  }
  log::warn("user {} at {} is not reading: {} events queued; closing the session",
            ctx_.hub.nickname(id_), peer_, queue_.size());
  leave_hub("too slow to keep up");
  // The queued events are dropped: the client is told why instead.
  finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "your client fell too far behind (outgoing queue full); reconnect"));
}

void SessionCall::on_finish(bool /*ok*/) {
  state_ = State::finished;
  leave_hub("disconnected");
  maybe_delete();
}

void SessionCall::on_done(bool /*ok*/) {
  done_ = true;
  if (id_ != 0) {
    const char* why = server_ctx_.IsCancelled() ? "connection closed" : "session ended";
    // The hub's name, not the login's: the user may have changed nicknames since.
    log::info("user {} disconnected from {}: {}", ctx_.hub.nickname(id_), peer_, why);
  }
  leave_hub("disconnected");
  if (state_ == State::streaming) state_ = State::finished;
  maybe_delete();
}

void SessionCall::leave_hub(const char* why) {
  if (id_ == 0) return;
  const auto id = id_;
  id_ = 0;
  ctx_.hub.disconnect(id, why);
  ctx_.sessions.erase(id);
  ctx_.session_closed(id);
  if (ctx_.shutting_down) ctx_.check_drained();
}

void SessionCall::maybe_delete() {
  if (done_ && !write_in_flight_ && state_ != State::finishing && posted_ == 0) delete this;
}

}  // namespace chatcore::transport
