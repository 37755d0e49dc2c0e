// The Connect stream of chatcore::Client on its reader thread: the handshake with login(),
// handing every event to the user in order while keeping the resume position, and, when
// the session is lost, opening it again with backoff and resuming from that position.
#include <fmt/format.h>

#include <algorithm>

#include "client/client_impl.h"

namespace chatcore::client {

Status Session::token(std::string* out) {
  if (!connected) return Status(Code::unavailable, "reconnecting to the server; try again shortly");
  std::lock_guard lock(mu);
  *out = welcome.session;
  return {};
}

void Session::cancel() {
  std::lock_guard lock(mu);
  close_requested = true;
  open = false;
  if (ctx) ctx->TryCancel();
  cv.notify_all();
}

namespace {

// Codes that another attempt cannot fix: the session ends and the user decides.
bool permanent(Code code) {
  return code == Code::invalid_argument || code == Code::permission_denied ||
         code == Code::unauthenticated || code == Code::failed_precondition ||
         code == Code::unimplemented;
}

// gRPC's words for a connection that never opened name its internals ("failed to connect to
// all addresses; last error: UNKNOWN: ipv4:127.0.0.1:50051: Failed to connect to remote
// host: Connection refused"): the user is told the address and the reason, the last part.
Status unreached(Status st, const std::string& address) {
  if (st.code != Code::unavailable || !st.message.starts_with("failed to connect")) return st;
  const auto colon = st.message.rfind(": ");
  std::string why = colon == std::string::npos ? std::string() : st.message.substr(colon + 2);
  if (why.empty()) why = "no connection";
  if (why[0] >= 'A' && why[0] <= 'Z') why[0] = static_cast<char>(why[0] - 'A' + 'a');
  return Status(Code::unavailable, fmt::format("cannot reach {}: {}", address, why));
}

// Starts a Connect stream and reads its first batch: OK when it opens with a Welcome.
Status open_stream(Session& s, v1::EventBatch& batch) {
  {
    std::lock_guard lock(s.mu);
    if (s.close_requested) return Status(Code::cancelled, "session closed by the client");
    v1::ConnectRequest request;
    request.set_nickname(s.nickname);
    request.set_client(s.options.client_name);
    request.set_identity_secret(s.secret);
    const ResumePosition at = s.keeper.position();
    if (!at.rooms.empty() || at.last_direct_id != 0) {
      auto* resume = request.mutable_resume();
      resume->set_last_direct_id(at.last_direct_id);
      for (const RoomPosition& r : at.rooms) {
        auto* room = resume->add_rooms();
        room->set_room(r.room);
        room->set_epoch(r.epoch);
        room->set_last_id(r.last_id);
      }
    }
    s.reader.reset();  // before the context it was made with
    s.ctx = std::make_unique<grpc::ClientContext>();
    s.endpoint = s.servers->current();
    s.reader = s.endpoint->stub->Connect(s.ctx.get(), request);
  }
  if (s.reader->Read(&batch)) {
    if (batch.events_size() > 0 && batch.events(0).has_welcome()) {
      // The new stream's token before anyone is told it is connected: a call made from the
      // "resumed" report, or by another thread at that moment, must not carry the old one.
      {
        std::lock_guard lock(s.mu);
        s.welcome.session = batch.events(0).welcome().session();
      }
      s.connected = true;
      return {};
    }
    {
      std::lock_guard lock(s.mu);
      s.ctx->TryCancel();
    }
    s.reader->Finish();
    return Status(Code::internal, "the server did not open the session with a welcome");
  }
  Status st = unreached(transport::from_grpc(s.reader->Finish()), s.endpoint->address);
  if (st.ok()) st = Status(Code::unavailable, "the server ended the session before welcoming it");
  return st;
}

// What the client itself learns from an event before its user sees it.
void observe(Session& s, const Event& event) {
  if (const auto* w = std::get_if<Welcome>(&event.body)) {
    std::lock_guard lock(s.mu);
    s.welcome = *w;
    s.nickname = w->nickname;
    s.caught_up = w->guest;
    // After the position was sent: a room left from another client meanwhile drops out.
    if (!w->guest) s.keeper.keep_rooms(w->rooms);
  } else if (std::holds_alternative<CaughtUp>(event.body)) {
    s.caught_up = true;
  } else if (const auto* n = std::get_if<NickChanged>(&event.body)) {
    std::lock_guard lock(s.mu);
    if (n->old_nickname == s.nickname) {
      s.nickname = n->new_nickname;
      s.welcome.nickname = n->new_nickname;
      if (!s.secret.empty()) {
        const auto dir = s.options.state_dir.empty() ? default_state_dir() : s.options.state_dir;
        (void)s.keeper.move_to(PositionKeeper::file_for(dir, s.address, n->new_nickname));
      }
    }
  } else if (const auto* down = std::get_if<ShutdownNotice>(&event.body)) {
    s.replaced = down->replaced;
    s.shutdown_reason = !down->reason.empty() ? down->reason
                        : down->replaced      ? "signed in from another client"
                                              : "the server shut down";
  }
}

void deliver(Session& s, const v1::EventBatch& batch) {
  for (const auto& proto : batch.events()) {
    const auto event = transport::from_proto(proto);
    if (!event) continue;
    if (event->moderation) {
      if (s.options.on_moderation) s.options.on_moderation(*event);
      continue;
    }
    if (event->notice) {
      // Only for an application that asked: its event handler need not know the kinds.
      if (s.options.on_notice) s.options.on_notice(*event);
      continue;
    }
    observe(s, *event);
    if (s.on_event) s.on_event(*event);
    s.keeper.note(*event);  // handed over: the next Connect starts after it
  }
  // Once per batch, not per event: a burst costs one small write. A failed save only means
  // that the next process is shown some messages again.
  (void)s.keeper.save();
}

// Hands over `batch` and every batch after it; the stream's final status.
Status stream(Session& s, v1::EventBatch& batch) {
  do {
    deliver(s, batch);
  } while (s.reader->Read(&batch));
  s.connected = false;
  Status end = transport::from_grpc(s.reader->Finish());
  if (s.replaced) return Status(Code::aborted, s.shutdown_reason);
  // A server ends a stream itself only when it shuts down; for a client that reconnects
  // that is a loss like any other, and the notice says why.
  if (end.ok() && s.options.reconnect) {
    end = Status(Code::unavailable, s.shutdown_reason.empty() ? "the server ended the session" : s.shutdown_reason);
  }
  s.shutdown_reason.clear();
  return end;
}

void report(Session& s, ConnectionChange change) {
  if (s.on_connection) s.on_connection(change);
}

// After the session was lost because of `cause`: attempts, with a doubling wait, until a
// server welcomes it again (true, `batch` holds the welcome) or it ends for good (false,
// `cause` says why). Each attempt goes to the next server of the list, so a dead one is
// left at once; the wait doubles each time the whole list has failed.
bool reconnect(Session& s, Status& cause, v1::EventBatch& batch) {
  auto wait = s.options.reconnect_min;
  for (int attempt = 1;; ++attempt) {
    const bool round_done = s.servers->advance();
    report(s, {ConnectionChange::State::reconnecting, cause, wait, attempt});
    {
      std::unique_lock lock(s.mu);
      if (s.cv.wait_for(lock, wait, [&] { return s.close_requested; })) break;
    }
    Status st = open_stream(s, batch);
    if (st.ok()) {
      report(s, {ConnectionChange::State::resumed, {}, {}, attempt});
      return true;
    }
    {
      std::lock_guard lock(s.mu);
      if (s.close_requested) break;
    }
    cause = st;
    if (permanent(st.code)) return false;
    if (round_done) wait = std::min(wait * 2, s.options.reconnect_max);
  }
  cause = Status(Code::cancelled, "session closed by the client");
  return false;
}

}  // namespace

void run_session(std::shared_ptr<Session> s) {
  v1::EventBatch batch;
  if (Status failure = open_stream(*s, batch); !failure.ok()) {
    std::lock_guard lock(s->mu);
    s->stage = Session::Stage::failed;
    s->failure = std::move(failure);
    s->cv.notify_all();
    return;
  }
  {
    std::unique_lock lock(s->mu);
    if (!s->abandoned) {
      s->welcome = std::get<Welcome>(transport::from_proto(batch.events(0))->body);
      s->caught_up = s->welcome.guest;
      s->stage = Session::Stage::welcomed;
      s->cv.notify_all();
      // Wait until login() has stored the welcome, so a handler that reads
      // client.welcome() sees it.
      s->cv.wait(lock, [&] { return s->go || s->abandoned; });
    }
    if (s->abandoned) {
      s->ctx->TryCancel();
      lock.unlock();
      s->reader->Finish();
      return;
    }
  }

  Status end = stream(*s, batch);
  while (!s->replaced && s->options.reconnect) {
    {
      std::lock_guard lock(s->mu);
      if (s->close_requested) break;
    }
    if (!reconnect(*s, end, batch)) break;
    end = stream(*s, batch);
  }
  bool closing = false;
  {
    std::lock_guard lock(s->mu);
    closing = s->close_requested;
  }
  // The cancellation races the server's own end of the stream; the user asked, so say so.
  if (closing) end = Status(Code::cancelled, "session closed by the client");
  s->open = false;
  if (s->on_closed) s->on_closed(end);
}

}  // namespace chatcore::client
