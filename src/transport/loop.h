// The completion-queue loop's plumbing: Tag, the interface of every object whose address is
// handed to gRPC as a tag, and Waker, the only way another thread reaches the loop thread.
#pragma once

#include <grpcpp/alarm.h>
#include <grpcpp/completion_queue.h>

#include <functional>
#include <mutex>
#include <vector>

namespace chatcore::transport {

class Tag {
 public:
  virtual void on_event(bool ok) = 0;

 protected:
  ~Tag() = default;
};

// A tag that forwards to a member function: each outstanding operation of a call gets its own.
template <class Owner, void (Owner::*Handler)(bool)>
class MemberTag final : public Tag {
 public:
  explicit MemberTag(Owner* owner) : owner_(owner) {}
  void on_event(bool ok) override { (owner_->*Handler)(ok); }

 private:
  Owner* owner_;
};

// Runs posted functions on the loop thread, woken by a grpc::Alarm set to "now". One alarm is
// armed at a time however many functions are posted; close() stops arming before the queue
// shuts down (an alarm must never be set on a shut-down queue).
class Waker final : public Tag {
 public:
  explicit Waker(grpc::CompletionQueue* cq) : cq_(cq) {}

  // Any thread. Returns false (and drops fn) once closed.
  bool post(std::function<void()> fn);
  // Any thread; after it, post() drops. Functions already posted still run.
  void close();
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
