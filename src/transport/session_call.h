// SessionCall is the CallData of Connect: one per connected user. It is the user's
// Participant in the chat model and writes its events, batched, one write at a time.
#pragma once

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <string>

#include "model/hub.h"
#include "model/write_queue.h"
#include "transport/context.h"
#include "transport/loop.h"

namespace chatcore::transport {

class SessionCall final : public model::Participant {
 public:
  explicit SessionCall(ServiceContext& ctx);

  void deliver(const EventPtr& event) override;
  // Ends the stream with `status` once the queued events are written (shutdown uses OK).
  void finish_after_flush(grpc::Status status);

 private:
  enum class State {
    requested,  // waiting for a client to call Connect
    streaming,  // logged in; events flow
    finishing,  // Finish issued; waiting for its tag
    finished,   // Finish completed (or the stream broke); waiting for the done tag
  };

  ~SessionCall() override = default;
  void on_request(bool ok);
  void on_write(bool ok);
  void on_finish(bool ok);
  void on_done(bool ok);
  void write_next();
  // Ends the stream with `status` as soon as no write is in flight; queued events are dropped.
  void finish(grpc::Status status);
  void start_finish();
  void close_overflowed();
  void leave_hub(const char* why);
  void maybe_delete();

  ServiceContext& ctx_;
  ActiveCall active_;
  grpc::ServerContext server_ctx_;
  grpc::ByteBuffer raw_request_;
  v1::ConnectRequest request_;
  // Writes an encoded EventBatch: the stream's messages are assembled from cached encodings.
  grpc::ServerAsyncWriter<grpc::ByteBuffer> writer_;
  grpc::ByteBuffer batch_;
  model::WriteQueue queue_;
  MemberTag<SessionCall, &SessionCall::on_request> request_tag_{this};
  MemberTag<SessionCall, &SessionCall::on_write> write_tag_{this};
  MemberTag<SessionCall, &SessionCall::on_finish> finish_tag_{this};
  MemberTag<SessionCall, &SessionCall::on_done> done_tag_{this};

  State state_ = State::requested;
  model::SessionId id_ = 0;
  std::string peer_;
  std::uint64_t seq_ = 0;
  bool write_in_flight_ = false;
  bool wrote_first_ = false;  // the first write of the stream is never buffer-hinted
  bool done_ = false;
  bool overflowed_ = false;
  int posted_ = 0;  // functions posted to the loop that still refer to this call
  bool finish_queued_ = false;  // Finish waits for the write in flight
  bool flush_first_ = false;    // ...and for the queued events too
  grpc::Status final_status_;
};

}  // namespace chatcore::transport
