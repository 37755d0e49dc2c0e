// RetentionTimer applies the retention flags: once at start-up and every minute it has the
// hub prune the store (and itself) by Config's history_keep, history_days and nick_days.
#pragma once

#include <grpcpp/alarm.h>

#include <chrono>
#include <functional>

#include "model/hub.h"
#include "store/store.h"
#include "transport/tag.h"

namespace chatcore::transport {

class Waker;

class RetentionTimer final : public Tag {
 public:
  static constexpr std::chrono::seconds kPeriod{60};

  // `after` runs on the loop thread once each prune's result is applied to the hub (it
  // deletes the files the prune dropped).
  RetentionTimer(model::ChatHub& hub, store::Retention policy, std::function<void()> after)
      : hub_(hub), policy_(policy), after_(std::move(after)) {}

  // Loop thread: the first prune now, then every kPeriod until stop().
  void start(Waker& waker);
  // Loop thread, at shutdown: no more prunes, and no alarm left to hold the queue open.
  void stop();
  void on_event(bool ok) override;

 private:
  void arm(std::chrono::seconds after);

  model::ChatHub& hub_;
  store::Retention policy_;
  std::function<void()> after_;
  Waker* waker_ = nullptr;
  grpc::Alarm alarm_;
  bool armed_ = false;
  bool stopped_ = false;
};

}  // namespace chatcore::transport
