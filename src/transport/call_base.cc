#include "transport/call_base.h"

#include <grpc/support/time.h>

#include <chrono>

#include "transport/acceptor.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {
double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

CallBase::CallBase(ServiceContext& ctx, std::string_view kind, bool notify_done)
    : ctx_(ctx), kind_(kind), notify_done_(notify_done) {
  if (notify_done_) server_ctx_.AsyncNotifyWhenDone(static_cast<Tag*>(&done_op_));
}

CallBase::~CallBase() {
  if (started_) ctx_.calls.freed(kind_);
}

void CallBase::settle(bool live) {
  if (!live) ended_ = true;
  if (ended_ && timer_pending_) cancel_timer();
  if (--outstanding_ > 0) return;
  if (!ended_) {
    // Nothing can reach the call any more: freeing it is the only way not to leak it.
    log::error("a {} call was left with nothing outstanding before it ended", kind_);
  }
  delete this;
}

bool CallBase::handle_request(bool ok) {
  // Not ok: the server is shutting down and this call never started; no done tag will come.
  if (!ok) return false;
  started_ = true;
  ctx_.calls.started(kind_);
  if (notify_done_) hold();  // the done tag now surely comes
  if (!ctx_.calls.shutting_down()) rearm();
  peer_ = peer_address(server_ctx_.peer());
  return on_started();
}

bool CallBase::handle_done(bool /*ok*/) {
  done_ = true;
  return on_done(server_ctx_.IsCancelled());
}

void CallBase::start_timer(std::chrono::steady_clock::duration after) {
  if (timer_pending_) return;
  if (!timer_) timer_ = std::make_unique<grpc::Alarm>();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(after).count();
  const gpr_timespec deadline = gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                                             gpr_time_from_nanos(ns, GPR_TIMESPAN));
  hold();
  if (!ctx_.waker->set_alarm(*timer_, deadline, static_cast<Tag*>(&timer_op_))) {
    --outstanding_;  // the queue is shutting down: no timer, and nothing to wait for
    return;
  }
  timer_pending_ = true;
  timer_cancelled_ = false;
}

bool CallBase::stalled_since(std::chrono::steady_clock::time_point last_progress) {
  const auto idle = std::chrono::steady_clock::now() - last_progress;
  if (idle >= ctx_.config.transfer_idle) return true;
  start_timer(ctx_.config.transfer_idle - idle);
  return false;
}

void CallBase::cancel_timer() {
  if (!timer_pending_ || timer_cancelled_) return;
  timer_cancelled_ = true;
  timer_->Cancel();  // the alarm's tag still comes, with ok == false
}

bool CallBase::handle_timer(bool fired) {
  timer_pending_ = false;
  return on_timer(fired);
}

void CallBase::request_flush() {
  if (flush_requested_) return;
  flush_requested_ = true;
  hold();
  ctx_.flush.add(this);
}

void CallBase::request_delayed_flush() {
  if (delayed_flush_requested_) return;
  delayed_flush_requested_ = true;
  hold();
  ctx_.delayed_flush.add(this, *ctx_.waker);
}

void CallBase::run_delayed_flush() {
  delayed_flush_requested_ = false;
  request_flush();  // holds the call before the delayed request lets go of it
  settle(true);
}

void CallBase::run_flush() {
  flush_requested_ = false;
  settle(on_flush());
}

Result<model::SessionId> CallBase::authorize(const std::string& token, bool is_message) {
  const auto id = ctx_.hub.find(token);
  if (id == 0) return Status(Code::unauthenticated, "unknown or expired session; log in again");
  if (Status admitted = ctx_.admission.admit(id, is_message, monotonic_seconds()); !admitted.ok()) {
    ctx_.metrics.refused(Metrics::Refusal::flood);
    return admitted;
  }
  return id;
}

}  // namespace chatcore::transport
