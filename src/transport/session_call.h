// SessionCall is the CallData of Connect: one per connected user. It is the user's
// Participant in the chat model; its events are queued and written, batched, once per loop turn.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <string>

#include "model/hub.h"
#include "model/write_queue.h"
#include "transport/call_base.h"

namespace chatcore::transport {

class SessionCall final : public CallBase, public model::Participant {
 public:
  explicit SessionCall(ServiceContext& ctx);

  // Only queues the event; the loop's end-of-turn flush writes it.
  void deliver(const EventPtr& event) override;
  void replaced() override;
  // Ends the stream with `status` once the queued events are written (shutdown uses OK).
  void finish_after_flush(grpc::Status status);

 private:
  enum class State {
    streaming,   // events flow (also while the login is checked)
    overflowed,  // the queue overflowed; closing is posted (the hub must not be re-entered)
    draining,    // Finish once every queued event is written
    closing,     // Finish once the write in flight completes; the queue is dropped
    finishing,   // Finish issued; waiting for its tag
    finished,    // Finish completed or the stream broke; waiting for the done tag
  };

  ~SessionCall() override = default;
  bool on_started() override;
  void rearm() override { new SessionCall(ctx_); }
  bool on_done(bool cancelled) override;
  bool on_flush() override;
  bool on_write(bool ok);
  bool on_finish(bool ok);
  void write_next();
  // Flushes this turn if anything urgent is queued, else with the next delayed flush.
  void request_write();
  // Ends the stream with `status` as soon as no write is in flight; queued events are dropped.
  void finish(grpc::Status status);
  void start_finish();
  bool close_overflowed();
  void leave_hub(const char* why);

  grpc::ByteBuffer raw_request_;
  v1::ConnectRequest request_;
  // Writes an encoded EventBatch: the stream's messages are assembled from cached encodings.
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_;
  grpc::ByteBuffer batch_;
  model::WriteQueue queue_;
  Op<SessionCall, &SessionCall::on_write> write_op_{this};
  Op<SessionCall, &SessionCall::on_finish> finish_op_{this};

  State state_ = State::streaming;
  model::SessionId id_ = 0;
  std::uint64_t seq_ = 0;
  bool urgent_queued_ = false;  // a queued event is not presence: flush it this turn
  bool wrote_first_ = false;  // the first write of the stream is never buffer-hinted
  grpc::Status final_status_;
};

}  // namespace chatcore::transport
