// The state behind chatcore::Client, shared by client.cc (channel, login, unary calls),
// session.cc (the Connect stream and its reconnects) and upload.cc and download.cc.
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
#include "client/position_keeper.h"
#include "client/server_list.h"
#include "transport/convert.h"

namespace chatcore::client {

// Unary calls answer at once on a healthy server; this only bounds a hung one.
inline constexpr std::chrono::seconds kCallTimeout{10};

// Everything the reader thread touches lives here and is shared with the thread, so that the
// thread stays valid when it has to be detached (a Client destroyed from its own handler).
struct Session {
  std::shared_ptr<ServerList> servers;
  std::shared_ptr<Endpoint> endpoint;  // of the stream now; a call must not outlive its channel
  ClientOptions options;
  std::string address;  // the list as given: the resume position is kept per list
  std::string secret;  // empty: a guest
  PositionKeeper keeper;
  EventHandler on_event;
  ClosedHandler on_closed;
  ConnectionHandler on_connection;
  std::atomic<bool> open{false};       // welcomed, not closed, not ended for good
  std::atomic<bool> connected{false};  // a stream is welcomed now (false while reconnecting)
  std::atomic<bool> caught_up{false};

  // Guarded by mu. Only the reader thread replaces ctx and reader; others may cancel ctx.
  std::mutex mu;
  std::condition_variable cv;
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientReaderInterface<v1::EventBatch>> reader;
  std::string nickname;  // follows the user's renames, for the next Connect
  Welcome welcome;
  bool close_requested = false;  // close() was called: report CANCELLED, never reconnect
  // The login handshake between login() and the reader thread.
  enum class Stage { waiting, welcomed, failed };
  Stage stage = Stage::waiting;
  Status failure;
  bool go = false;         // login() has taken the welcome: the thread may deliver events
  bool abandoned = false;  // login() gave up waiting: the thread must deliver nothing

  // Reader thread only.
  bool replaced = false;  // the server said another client of this identity took over
  std::string shutdown_reason;  // of the last Shutdown notice

  Status token(std::string* out);
  void cancel();  // close(): ends the stream and any wait for a reconnect
};

// Body of the reader thread (session.cc): the handshake with login(), every event, and
// the reconnects, until the session ends for good.
void run_session(std::shared_ptr<Session> s);

}  // namespace chatcore::client

namespace chatcore {

struct Client::Impl {
  std::string address;  // as given: one server or a list
  ClientOptions options;
  std::shared_ptr<client::ServerList> servers;

  // Guards session, reader and welcome; never held together with the session's lock.
  mutable std::mutex mu;
  std::shared_ptr<client::Session> session;
  std::thread reader;
  Welcome welcome;  // of the last successful login, for after its session ended

  std::shared_ptr<client::Session> current() const {
    std::lock_guard lock(mu);
    return session;
  }

  bool logged_in() const {
    auto s = current();
    return s && s->open;
  }

  // The session token, FAILED_PRECONDITION without a session, UNAVAILABLE while reconnecting.
  Status token(std::string* out) const {
    auto s = current();
    if (!s || !s->open) return Status(Code::failed_precondition, "not logged in");
    return s->token(out);
  }

  // A room joined or created: the resume position starts at its newest message, so what is
  // written to it while this client is away comes back marked missed, not as history.
  void entered(const RoomInfo& room) const {
    if (auto s = current()) {
      if (s->keeper.enter_room(room)) (void)s->keeper.save();
    }
  }

  Limits limits() const {
    if (auto s = current()) {
      std::lock_guard lock(s->mu);
      return s->welcome.limits;
    }
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
    const auto endpoint = servers->current();
    if (Status st =
            transport::from_grpc((endpoint->stub.get()->*method)(&ctx, request, &response));
        !st.ok()) {
      return st;
    }
    return convert(response);
  }
};

}  // namespace chatcore
