// The call core's rule, without a network: a call is freed exactly once, and only when
// nothing of it (operations, posted functions, pool tasks, a pending flush) is outstanding.
#include "transport/call_base.h"

#include <doctest/doctest.h>

#include <grpc/support/time.h>

#include <memory>

namespace chatcore::transport {
namespace {

struct Counters {
  int freed = 0;
  int started = 0;
  int rearmed = 0;
  int flushed = 0;
  int fired = 0;
  int cancelled = 0;
};

class FakeCall final : public CallBase {
 public:
  FakeCall(ServiceContext& ctx, Counters& counters) : CallBase(ctx, "Fake", false), c_(counters) {}

  Tag* request() { return static_cast<Tag*>(request_tag()); }
  // An operation whose completion returns `live_`.
  Tag* operation() { return static_cast<Tag*>(op_.arm()); }
  void set_live(bool live) { live_ = live; }
  void post_returning(bool live) {
    post([live] { return live; });
  }
  void pool_task(int* result) {
    run_on_pool([] { return 42; },
                [this, result](int value) {
                  *result = value;
                  return live_;
                });
  }
  void flush() { request_flush(); }
  void timer(std::chrono::milliseconds after) { start_timer(after); }
  void cancel() { cancel_timer(); }

 private:
  ~FakeCall() override { ++c_.freed; }
  bool on_started() override {
    ++c_.started;
    return live_;
  }
  void rearm() override { ++c_.rearmed; }
  bool on_flush() override {
    ++c_.flushed;
    return live_;
  }
  bool on_timer(bool fired) override {
    ++(fired ? c_.fired : c_.cancelled);
    return live_;
  }
  bool on_op(bool /*ok*/) { return live_; }

  Counters& c_;
  Op<FakeCall, &FakeCall::on_op> op_{this};
  bool live_ = true;
};

// A loop without a server: a plain completion queue that only the Waker's alarm uses.
struct Loop {
  Loop() : ctx(Config{}) { ctx.waker = std::make_unique<Waker>(&cq); }
  ~Loop() {
    ctx.io_pool.join();
    ctx.waker->close();
    cq.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (cq.Next(&tag, &ok)) static_cast<Tag*>(tag)->on_event(ok);
  }
  // Runs what was posted to the loop (waiting at most a few seconds for it to arrive).
  void turn() {
    void* tag = nullptr;
    bool ok = false;
    const auto deadline = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                                       gpr_time_from_seconds(5, GPR_TIMESPAN));
    REQUIRE(cq.AsyncNext(&tag, &ok, deadline) == grpc::CompletionQueue::GOT_EVENT);
    static_cast<Tag*>(tag)->on_event(ok);
  }

  // A call that has started, with one operation (`*op`) outstanding.
  FakeCall* started(Counters& c, Tag** op) {
    auto* call = new FakeCall(ctx, c);
    Tag* request = call->request();
    *op = call->operation();
    request->on_event(true);
    return call;
  }

  grpc::CompletionQueue cq;
  ServiceContext ctx;
};

}  // namespace

TEST_CASE("a call that never started is freed by its failed request, once") {
  Loop loop;
  Counters c;
  auto* call = new FakeCall(loop.ctx, c);
  call->request()->on_event(false);
  CHECK(c.freed == 1);
  CHECK(c.started == 0);
  CHECK(c.rearmed == 0);
  CHECK(loop.ctx.calls.active() == 0);
}

TEST_CASE("a started call is registered, re-armed, and freed only after its last operation") {
  Loop loop;
  Counters c;
  auto* call = new FakeCall(loop.ctx, c);
  Tag* request = call->request();
  Tag* a = call->operation();
  Tag* b = call->operation();
  request->on_event(true);
  CHECK(c.started == 1);
  CHECK(c.rearmed == 1);
  CHECK(loop.ctx.calls.active() == 1);
  call->set_live(false);
  a->on_event(true);  // the call has ended, but b is outstanding
  CHECK(c.freed == 0);
  b->on_event(false);
  CHECK(c.freed == 1);
  CHECK(loop.ctx.calls.active() == 0);
}

TEST_CASE("a call that still lives survives its completions while work is outstanding") {
  Loop loop;
  Counters c;
  Tag* a = nullptr;
  auto* call = loop.started(c, &a);
  Tag* b = call->operation();  // issued by a handler, as a write after a read would be
  a->on_event(true);
  CHECK(c.freed == 0);
  call->set_live(false);
  b->on_event(true);
  CHECK(c.freed == 1);
}

TEST_CASE("no re-arming once the server is shutting down") {
  Loop loop;
  Counters c;
  loop.ctx.calls.begin_shutdown();
  auto* call = new FakeCall(loop.ctx, c);
  Tag* request = call->request();
  call->set_live(false);
  request->on_event(true);
  CHECK(c.rearmed == 0);
  CHECK(c.freed == 1);
}

TEST_CASE("a posted function keeps the call until it has run on the loop") {
  Loop loop;
  Counters c;
  Tag* a = nullptr;
  auto* call = loop.started(c, &a);
  call->post_returning(false);
  call->set_live(false);
  a->on_event(true);
  CHECK(c.freed == 0);  // the posted function is outstanding
  loop.turn();
  CHECK(c.freed == 1);
}

TEST_CASE("a pool task keeps the call until its result is back on the loop") {
  Loop loop;
  Counters c;
  int result = 0;
  Tag* a = nullptr;
  auto* call = loop.started(c, &a);
  call->pool_task(&result);
  call->set_live(false);
  a->on_event(true);
  CHECK(c.freed == 0);
  loop.turn();
  CHECK(result == 42);
  CHECK(c.freed == 1);
}

TEST_CASE("a flush is requested once per turn and holds the call until it ran") {
  Loop loop;
  Counters c;
  Tag* a = nullptr;
  auto* call = loop.started(c, &a);
  call->flush();
  call->flush();
  call->set_live(false);
  a->on_event(true);
  CHECK(c.freed == 0);
  CHECK_FALSE(loop.ctx.flush.empty());
  loop.ctx.flush.run();
  CHECK(c.flushed == 1);
  CHECK(c.freed == 1);
  CHECK(loop.ctx.flush.empty());
}

TEST_CASE("a timer fires on the loop and holds the call until it did") {
  Loop loop;
  Counters c;
  Tag* a = nullptr;
  auto* call = loop.started(c, &a);
  call->timer(std::chrono::milliseconds(1));
  a->on_event(true);
  CHECK(c.freed == 0);  // only the timer is outstanding
  call->set_live(false);
  loop.turn();
  CHECK(c.fired == 1);
  CHECK(c.cancelled == 0);
  CHECK(c.freed == 1);
}

TEST_CASE("a cancelled timer reports so, and an ended call does not wait for its timer") {
  Loop loop;
  Counters c;
  Tag* a = nullptr;
  auto* call = loop.started(c, &a);
  call->timer(std::chrono::hours(1));
  call->cancel();
  loop.turn();
  CHECK(c.cancelled == 1);
  CHECK(c.fired == 0);
  call->timer(std::chrono::hours(1));  // again, after the first one completed
  call->set_live(false);
  a->on_event(true);  // the call ends: its hour-long timer is cancelled, not waited for
  CHECK(c.freed == 0);
  loop.turn();
  CHECK(c.cancelled == 2);
  CHECK(c.freed == 1);
}

}  // namespace chatcore::transport
