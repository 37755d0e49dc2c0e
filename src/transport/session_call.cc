#include "transport/session_call.h"

#include <grpc/slice.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/wire_format_lite.h>

#include "transport/convert.h"
#include "transport/dropped_files.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {
using google::protobuf::internal::WireFormatLite;

// Joins and leaves: many at once when a room fills or empties, and no one waits on one.
bool is_presence(const Event& event) {
  return std::holds_alternative<MemberJoined>(event.body) ||
         std::holds_alternative<MemberLeft>(event.body);
}

// One stream message carries at most this much: big enough to amortise a write, small
// enough that a batch never waits long behind a large one.
constexpr std::size_t kBatchEvents = 512;
constexpr std::size_t kBatchBytes = 256 * 1024;

constexpr std::size_t kSecretBytes = 32;

// The server keeps only the SHA-256 of an identity's secret; an empty secret is a guest.
Result<std::string> hash_secret(const std::string& secret) {
  if (secret.empty()) return std::string();
  if (secret.size() != kSecretBytes) {
    return Status(Code::invalid_argument,
                  fmt::format("identity_secret must be {} bytes, not {}", kSecretBytes,
                              secret.size()));
  }
  util::Sha256 sha;
  sha.update(secret);
  return sha.hex();
}

// EventBatch is `repeated Event events = 1`; each Event is this session's seq followed by the
// shared encoding of the rest (field order does not matter to parsers). Written straight into
// one slice of the exact size.
grpc::Slice encode_batch(const std::vector<model::WriteQueue::Item>& items, std::uint64_t& seq) {
  constexpr int kEvents = v1::EventBatch::kEventsFieldNumber;
  constexpr int kSeq = v1::Event::kSeqFieldNumber;
  const auto inner_size = [](std::uint64_t event_seq, const std::string& wire) {
    return WireFormatLite::TagSize(kSeq, WireFormatLite::TYPE_UINT64) +
           WireFormatLite::UInt64Size(event_seq) + wire.size();
  };
  std::size_t total = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::size_t inner = inner_size(seq + i + 1, *items[i].wire);
    total += WireFormatLite::TagSize(kEvents, WireFormatLite::TYPE_MESSAGE) +
             WireFormatLite::LengthDelimitedSize(inner);
  }
  grpc_slice slice = grpc_slice_malloc(total);
  {
    google::protobuf::io::ArrayOutputStream array(GRPC_SLICE_START_PTR(slice),
                                                  static_cast<int>(total));
    google::protobuf::io::CodedOutputStream coded(&array);
    for (const auto& item : items) {
      const std::uint64_t event_seq = ++seq;
      WireFormatLite::WriteTag(kEvents, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, &coded);
      coded.WriteVarint32(static_cast<std::uint32_t>(inner_size(event_seq, *item.wire)));
      WireFormatLite::WriteUInt64(kSeq, event_seq, &coded);
      coded.WriteRaw(item.wire->data(), static_cast<int>(item.wire->size()));
    }
    if (coded.HadError() || static_cast<std::size_t>(coded.ByteCount()) != total) {
      log::error("an event batch was framed as {} bytes, not {}", coded.ByteCount(), total);
    }
  }
  return grpc::Slice(slice, grpc::Slice::STEAL_REF);
}
}  // namespace

void arm_connect(ServiceContext& ctx) { new SessionCall(ctx); }

SessionCall::SessionCall(ServiceContext& ctx)
    : CallBase(ctx, "Connect", true),
      writer_(&server_ctx_),
      queue_({.max_events = ctx.config.max_queue_events, .max_bytes = ctx.config.max_queue_bytes}) {
  ctx_.service.RequestConnect(&server_ctx_, &raw_request_, &writer_, ctx_.cq.get(), ctx_.cq.get(),
                              request_tag());
}

bool SessionCall::on_started() {
  if (!grpc::SerializationTraits<v1::ConnectRequest>::Deserialize(&raw_request_, &request_).ok()) {
    finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "cannot parse request: it is malformed or a string is not valid UTF-8"));
    return true;
  }
  if (ctx_.calls.sessions().size() >= ctx_.max_sessions) {
    const Status full(Code::resource_exhausted,
                      fmt::format("the server is full ({} sessions); try again later",
                                  ctx_.max_sessions));
    log::warn("login from {} refused: {}", peer(), full.message);
    finish(to_grpc(full));
    return true;
  }
  if (auto status = ctx_.admission.check_address(peer()); !status.ok()) {
    log::warn("login of '{}' from {} refused: {}", util::escape(request_.nickname()), peer(),
              status.message);
    finish(to_grpc(status));
    return true;
  }
  auto secret_hash = hash_secret(request_.identity_secret());
  if (!secret_hash.ok()) {
    log::info("login refused for '{}' from {}: {}", util::escape(request_.nickname()), peer(),
              secret_hash.status().message);
    finish(to_grpc(secret_hash.status()));
    return true;
  }
  if (secret_hash->empty() || ctx_.hub.knows_identity(*secret_hash)) {
    return open_session(*secret_hash);
  }
  // A new identity is committed before its session opens: it owns the nickname from then on.
  ctx_.hub.register_identity(
      request_.nickname(), *secret_hash,
      model::Reply<bool>(later([this, hash = *secret_hash](Result<bool> registered) {
        if (done()) return false;  // the client gave up meanwhile
        if (!registered.ok()) return refuse(registered.status());
        return open_session(hash);
      })));
  return true;
}

bool SessionCall::refuse(const Status& status) {
  log::info("login refused for '{}' from {}: {}", util::escape(request_.nickname()), peer(),
            status.message);
  finish(to_grpc(status));
  return true;
}

bool SessionCall::open_session(const std::string& secret_hash) {
  auto id = ctx_.hub.connect(request_.nickname(), secret_hash, this, from_proto(request_.resume()));
  if (!id.ok()) return refuse(id.status());
  id_ = *id;
  ctx_.calls.session_opened(id_, this);
  ctx_.admission.opened(id_, peer());
  ctx_.metrics.sessions_opened.add();
  log::info("user {} connected from {} ({}, {})", ctx_.hub.nickname(id_), peer(),
            request_.client().empty() ? "unnamed client" : util::escape(request_.client()),
            secret_hash.empty() ? "guest" : "identity");
  return true;
}

void SessionCall::deliver(const EventPtr& event) {
  // Once the stream is to end (shutdown, overflow) nothing more is queued: the shutdown
  // notice stays the last event a client sees, not the noise of everyone else leaving.
  if (state_ != State::streaming) return;
  ctx_.metrics.deliveries.add();
  if (queue_.push(event, ctx_.encoder.encode(event)) == model::WriteQueue::Push::overflow) {
    ctx_.metrics.refused(Metrics::Refusal::overflow);
    // deliver() runs inside the hub's fan-out, which must not be re-entered: close later.
    state_ = State::overflowed;
    post([this] { return close_overflowed(); });
    return;
  }
  // Presence may wait for the next delayed flush; anything else leaves this turn, and takes
  // the presence queued before it along, in order.
  if (!is_presence(*event)) urgent_queued_ = true;
  if (!queue_.writing()) request_write();
}

void SessionCall::replaced() {
  // Inside the hub's connect of the new session: end this stream later, after its last
  // event (the ShutdownNotice) is written.
  post([this] {
    finish_after_flush(grpc::Status::OK);
    return !done();
  });
}

void SessionCall::request_write() {
  if (urgent_queued_) {
    request_flush();
  } else {
    request_delayed_flush();
  }
}

bool SessionCall::on_flush() {
  if (done() || queue_.writing()) return !done();
  if (state_ == State::streaming) {
    write_next();
  } else if (state_ == State::draining) {
    if (queue_.empty()) {
      start_finish();
    } else {
      write_next();
    }
  }
  return true;
}

void SessionCall::write_next() {
  auto events = queue_.take_batch(kBatchEvents, kBatchBytes);
  if (events.empty()) return;
  // What is left after a full batch may be urgent still: it keeps the flag until written.
  if (queue_.empty()) urgent_queued_ = false;
  grpc::Slice slice = encode_batch(events, seq_);
  batch_ = grpc::ByteBuffer(&slice, 1);
  // A write that leaves events queued (a batch was full) may wait for the next one; the last
  // write of a run flushes. Never the first write of a stream: gRPC may never complete a
  // buffer-hinted first write (grpc/grpc#12975).
  grpc::WriteOptions options;
  if (wrote_first_ && !queue_.empty()) options.set_buffer_hint();
  wrote_first_ = true;
  writer_.Write(batch_, options, write_op_.arm());
}

bool SessionCall::on_write(bool ok) {
  // gRPC is done with the bytes: an idle session must not keep its last batch (up to
  // kBatchBytes, allocated amid a burst) alive until its next write.
  batch_.Clear();
  const bool more = queue_.write_done();
  if (!ok || done()) {
    // The stream is broken, or the client is gone already (the done tag can overtake a
    // write's tag): nothing more will be written.
    if (state_ != State::finishing) state_ = State::finished;
    return !done();
  }
  switch (state_) {
    case State::streaming:
      // Written at the end of this turn, with whatever else the turn queues.
      if (more) request_write();
      break;
    case State::draining:
      if (more) {
        write_next();
      } else {
        start_finish();
      }
      break;
    case State::closing:
      start_finish();
      break;
    case State::overflowed:
    case State::finishing:
    case State::finished:
      break;
  }
  return true;
}

void SessionCall::finish_after_flush(grpc::Status status) {
  if (state_ != State::streaming) return;
  state_ = State::draining;
  final_status_ = std::move(status);
  if (queue_.writing()) return;  // on_write goes on
  if (queue_.empty()) {
    start_finish();
  } else {
    write_next();
  }
}

void SessionCall::finish(grpc::Status status) {
  if (state_ != State::streaming && state_ != State::overflowed) return;
  state_ = State::closing;
  final_status_ = std::move(status);
  queue_.drop_pending();
  if (!queue_.writing()) start_finish();
}

void SessionCall::start_finish() {
  state_ = State::finishing;
  writer_.Finish(final_status_, finish_op_.arm());
}

bool SessionCall::close_overflowed() {
  if (state_ != State::overflowed) return !done();
  log::warn("user {} at {} is not reading: {} events queued; closing the session",
            ctx_.hub.nickname(id_), peer(), queue_.size());
  leave_hub("too slow to keep up");
  // The queued events are dropped: the client is told why instead.
  finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                      "your client fell too far behind (outgoing queue full); reconnect"));
  return true;
}

bool SessionCall::on_finish(bool /*ok*/) {
  state_ = State::finished;
  leave_hub("disconnected");
  return !done();
}

bool SessionCall::on_done(bool cancelled) {
  if (id_ != 0) {
    // The hub's name, not the login's: the user may have changed nicknames since.
    log::info("user {} disconnected from {}: {}", ctx_.hub.nickname(id_), peer(),
              cancelled ? "connection closed" : "session ended");
  }
  leave_hub("disconnected");
  if (state_ != State::finishing) state_ = State::finished;
  return false;
}

void SessionCall::leave_hub(const char* why) {
  if (id_ == 0) return;
  const auto id = id_;
  id_ = 0;
  ctx_.hub.disconnect(id, why);
  delete_dropped_files(ctx_);
  ctx_.admission.closed(id);
  ctx_.calls.session_closed(id);
  ctx_.memory_trim.soon(*ctx_.waker);
}

}  // namespace chatcore::transport
