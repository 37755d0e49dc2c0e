// The state behind chatcore::Client, shared by client.cc (channel, session, unary calls) and
// upload.cc and download.cc (transfers).
#pragma once

#include <chatcore/client.h>

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>

#include "chatcore/v1/chat.grpc.pb.h"
#include "transport/convert.h"

namespace chatcore::client {

// Unary calls answer at once on a healthy server; this only bounds a hung one.
inline constexpr std::chrono::seconds kCallTimeout{10};

// Everything the reader thread touches after the handshake lives here and is shared with the
// thread, so that the thread stays valid when it has to be detached (a Client destroyed from
// inside its own handler).
struct Session {
  grpc::ClientContext ctx;
  std::shared_ptr<grpc::Channel> channel;  // the call must not outlive its channel
  std::unique_ptr<grpc::ClientReaderInterface<v1::EventBatch>> reader;
  EventHandler on_event;
  ClosedHandler on_closed;
  std::atomic<bool> open{false};             // welcomed and not yet ended
  std::atomic<bool> close_requested{false};  // close() was called: report CANCELLED

  // The login handshake between login() and the reader thread, guarded by mu.
  enum class Stage { waiting, welcomed, failed };
  std::mutex mu;
  std::condition_variable cv;
  Stage stage = Stage::waiting;
  Welcome welcome;
  Status failure;
  bool go = false;         // login() has taken the welcome: the thread may deliver events
  bool abandoned = false;  // login() gave up waiting: the thread must deliver nothing
};

}  // namespace chatcore::client

namespace chatcore {

struct Client::Impl {
  std::string address;
  ClientOptions options;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Chat::Stub> stub;

  // Guards session, reader and welcome; never held while calling the server or a handler.
  mutable std::mutex mu;
  std::shared_ptr<client::Session> session;
  std::thread reader;
  Welcome welcome;  // of the last successful login; stable until the next login

  bool logged_in() const {
    std::lock_guard lock(mu);
    return session && session->open;
  }

  // The session token, or FAILED_PRECONDITION when there is no open session.
  Status token(std::string* out) const {
    std::lock_guard lock(mu);
    if (!session || !session->open) return Status(Code::failed_precondition, "not logged in");
    *out = welcome.session;
    return {};
  }

  Limits limits() const {
    std::lock_guard lock(mu);
    return welcome.limits;
  }

  template <class Request, class Response>
  using UnaryMethod = grpc::Status (v1::Chat::Stub::*)(grpc::ClientContext*, const Request&,
                                                       Response*);

  // Every unary chat command: a request carrying the session token, filled in by `fill`, sent
  // with the standard deadline; the answer is `convert(response)` or the call's status.
  template <class Request, class Response, class Fill, class Convert>
  auto call(UnaryMethod<Request, Response> method, Fill&& fill, Convert&& convert)
      -> Result<std::invoke_result_t<Convert, const Response&>> {
    Request request;
    if (Status st = token(request.mutable_session()); !st.ok()) return st;
    fill(request);
    Response response;
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + client::kCallTimeout);
    if (Status st = transport::from_grpc((stub.get()->*method)(&ctx, request, &response));
        !st.ok()) {
      return st;
    }
    return convert(response);
  }
};

}  // namespace chatcore
