// CallBase is the core every CallData shares: its ServerContext and done tag, its place in the
// call registry, and ONE count of everything of it still outstanding (completion-queue
// operations, functions posted to the loop, disk-pool tasks, a pending flush). Each handler
// returns whether the call still lives; settle() is the only place a call is deleted, once it
// has ended and nothing of it is outstanding.
#pragma once

#include <boost/asio/post.hpp>
#include <grpcpp/alarm.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "transport/context.h"
#include "transport/loop.h"

namespace chatcore::transport {

class CallBase {
 public:
  CallBase(const CallBase&) = delete;
  CallBase& operator=(const CallBase&) = delete;

 protected:
  // A tag for one completion-queue operation of `Call`, forwarding to `Handler`, which returns
  // whether the call still lives.
  template <class Call, bool (Call::*Handler)(bool)>
  class Op final : public Tag {
   public:
    explicit Op(Call* call) : call_(call) {}
    // Counts the operation as outstanding; the result is the tag to hand gRPC.
    void* arm() {
      static_cast<CallBase*>(call_)->hold();
      return static_cast<Tag*>(this);
    }
    void on_event(bool ok) override { static_cast<CallBase*>(call_)->settle((call_->*Handler)(ok)); }

   private:
    Call* call_;
  };

  // `kind` names the RPC in the registry and in logs (a string literal). With `notify_done`
  // the call registers AsyncNotifyWhenDone; it must come before the subclass requests the call.
  CallBase(ServiceContext& ctx, std::string_view kind, bool notify_done);
  virtual ~CallBase();

  // The tag for the subclass's Request<Method> call.
  void* request_tag() { return request_op_.arm(); }

  // The call started: it is registered, a fresh call of its RPC is armed (unless the server is
  // shutting down) and the peer is known. The protocol begins here.
  virtual bool on_started() = 0;
  // Arms the next call of the same RPC.
  virtual void rearm() = 0;
  // The done tag (only with notify_done): the client is gone or the call completed.
  virtual bool on_done(bool /*cancelled*/) { return false; }
  // The loop's end-of-turn flush, after request_flush().
  virtual bool on_flush() { return true; }

  // Runs `fn` (returning whether the call lives) on the loop thread later, never inside the
  // current handler: for work that must not re-enter the hub.
  template <class Fn>
  void post(Fn fn) {
    hold();
    if (!ctx_.waker->post([this, fn = std::move(fn)]() mutable { settle(fn()); })) {
      settle(false);  // the loop stopped taking work: shutdown's last step
    }
  }

  // Runs `task` on the disk pool, then `then(result)` (returning whether the call lives) back
  // on the loop thread.
  template <class Task, class Then>
  void run_on_pool(Task task, Then then) {
    hold();
    boost::asio::post(ctx_.io_pool, [this, task = std::move(task), then = std::move(then)]() mutable {
      auto result = task();
      // The pool is joined before the Waker closes, so this post is never dropped.
      ctx_.waker->post([this, result = std::move(result), then = std::move(then)]() mutable {
        settle(then(std::move(result)));
      });
    });
  }

  // Wraps a completion that will run later on the loop thread (a store's, or the hub's once
  // the store answered): the call is held until it ran. `fn` returns whether the call lives.
  template <class Fn>
  auto later(Fn fn) {
    hold();
    return [this, fn = std::move(fn)](auto&&... args) mutable {
      settle(fn(std::forward<decltype(args)>(args)...));
    };
  }

  // Asks for on_flush() once the loop has handled every completion ready now.
  void request_flush();
  // Asks for on_flush() within DelayedFlush::kDelay, together with the other calls that asked
  // meanwhile: for output nobody waits on (presence). A request_flush() meanwhile still wins.
  void request_delayed_flush();

  // One timer per call, the hook for idle and transfer timeouts: on_timer(true) once `after`
  // has passed, on_timer(false) if cancelled first. Start it again only after on_timer ran.
  // A call that has ended has its timer cancelled, so a timer never delays freeing it.
  void start_timer(std::chrono::steady_clock::duration after);
  void cancel_timer();
  bool timer_pending() const { return timer_pending_; }
  virtual bool on_timer(bool /*fired*/) { return true; }
  // For a transfer's fired timer: true once it made no progress since `last_progress` for
  // the configured transfer_idle; otherwise the timer runs again for the time left.
  bool stalled_since(std::chrono::steady_clock::time_point last_progress);

  // The session behind `token`, if it may make one more request (flood protection):
  // UNAUTHENTICATED or RESOURCE_EXHAUSTED with a readable message otherwise.
  Result<model::SessionId> authorize(const std::string& token, bool is_message);

  bool done() const { return done_; }
  const std::string& peer() const { return peer_; }

  ServiceContext& ctx_;
  grpc::ServerContext server_ctx_;

 private:
  friend class FlushList;
  friend class DelayedFlush;

  void hold() { ++outstanding_; }
  void settle(bool live);
  bool handle_request(bool ok);
  bool handle_done(bool ok);
  bool handle_timer(bool fired);
  void run_flush();
  void run_delayed_flush();

  std::string_view kind_;
  Op<CallBase, &CallBase::handle_request> request_op_{this};
  Op<CallBase, &CallBase::handle_done> done_op_{this};
  Op<CallBase, &CallBase::handle_timer> timer_op_{this};
  std::unique_ptr<grpc::Alarm> timer_;  // made on first use: most calls never need one
  std::string peer_;
  int outstanding_ = 0;
  bool notify_done_;
  bool started_ = false;
  bool ended_ = false;
  bool done_ = false;
  bool flush_requested_ = false;
  bool delayed_flush_requested_ = false;
  bool timer_pending_ = false;
  bool timer_cancelled_ = false;
};

}  // namespace chatcore::transport
