// Waker is the only way another thread reaches the loop thread: it runs posted functions on
// the loop, woken by a grpc::Alarm set to "now" on the completion queue.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>

#include <functional>
#include <mutex>
#include <vector>

#include "transport/tag.h"

namespace chatcore::transport {

// One alarm is armed at a time however many functions are posted; close() stops arming before
// the queue shuts down (an alarm must never be set on a shut-down queue).
class Waker final : public Tag {
 public:
  explicit Waker(grpc::CompletionQueue* cq) : cq_(cq) {}

  // Any thread. Returns false (and drops fn) once closed.
  bool post(std::function<void()> fn);
  // Any thread; after it, post() drops. Functions already posted still run.
  void close();
  // Sets `alarm` to fire at `deadline` with `tag` on the loop's queue, unless closed (then
  // false): closing and setting are ordered, so no alarm is ever set on a shut-down queue.
  bool set_alarm(grpc::Alarm& alarm, gpr_timespec deadline, Tag* tag);
  void on_event(bool ok) override;

 private:
  grpc::CompletionQueue* cq_;
  grpc::Alarm alarm_;
  std::mutex mutex_;
  std::vector<std::function<void()>> pending_;
  bool armed_ = false;
  bool closed_ = false;
};

}  // namespace chatcore::transport
