// MemoryTrim hands freed heap back to the kernel once a burst is over. glibc returns only the
// top of each arena by itself, so the queues and gRPC buffers of a burst (a room seated, slow
// readers cut off) would otherwise stay in the process's RSS for good.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <grpcpp/alarm.h>

#include "transport/metrics.h"
#include "transport/tag.h"
#include "transport/trim_policy.h"

namespace chatcore::transport {

class Waker;

class MemoryTrim final : public Tag {
 public:
  // `deliveries` counts the events queued for sessions: the loop's measure of churn.
  MemoryTrim(boost::asio::thread_pool& pool, const Metrics::Counter& deliveries)
      : pool_(pool), deliveries_(deliveries) {}

  // Loop thread: a session ended; trim once sessions stop ending.
  void soon(Waker& waker);
  // Loop thread, after every turn: once enough was delivered, trim when deliveries pause.
  void after_turn(Waker& waker);
  // Loop thread, at shutdown: no trim any more, and no alarm left to hold the queue open.
  void stop();
  void on_event(bool ok) override;

 private:
  void arm(Waker& waker);

  boost::asio::thread_pool& pool_;
  const Metrics::Counter& deliveries_;
  TrimPolicy policy_;
  grpc::Alarm alarm_;
  Waker* waker_ = nullptr;
  bool armed_ = false;
  bool stopped_ = false;
};

}  // namespace chatcore::transport
