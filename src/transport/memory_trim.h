// MemoryTrim hands freed heap back to the kernel a little after sessions end. glibc returns
// only the top of the heap by itself, so the queues of a burst of slow readers that were cut
// off would otherwise stay in the process's RSS for good.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <grpcpp/alarm.h>

#include <chrono>

#include "transport/tag.h"

namespace chatcore::transport {

class Waker;

class MemoryTrim final : public Tag {
 public:
  // Sessions that end together (a burst cut off, a mass reconnect) share one trim.
  static constexpr std::chrono::seconds kDelay{1};

  explicit MemoryTrim(boost::asio::thread_pool& pool) : pool_(pool) {}

  // Loop thread: a session ended; trim once kDelay has passed, unless already due.
  void soon(Waker& waker);
  // Loop thread, at shutdown: no trim any more, and no alarm left to hold the queue open.
  void stop();
  void on_event(bool ok) override;

 private:
  boost::asio::thread_pool& pool_;
  grpc::Alarm alarm_;
  bool armed_ = false;
  bool stopped_ = false;
};

}  // namespace chatcore::transport
