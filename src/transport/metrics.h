// The server's counters, gauges and histograms for Prometheus: plain atomics that the loop
// thread (and the disk pool) update, so a scrape from another thread never waits for the loop.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

#include <chatcore/status.h>

namespace chatcore::transport {

class Metrics {
 public:
  class Counter {
   public:
    void add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t get() const { return value_.load(std::memory_order_relaxed); }

   private:
    std::atomic<std::uint64_t> value_{0};
  };

  class Gauge {
   public:
    void set(std::int64_t v) { value_.store(v, std::memory_order_relaxed); }
    std::int64_t get() const { return value_.load(std::memory_order_relaxed); }

   private:
    std::atomic<std::int64_t> value_{0};
  };

  // Cumulative buckets in seconds, from 10 µs to 1 s (finer around the milliseconds a
  // message's latency is judged by); the sum is kept in nanoseconds.
  class Histogram {
   public:
    static constexpr std::array<double, 13> kBounds{1e-5,   5e-5, 1e-4, 2.5e-4, 5e-4,
                                                    1e-3,   2.5e-3, 5e-3, 1e-2, 2.5e-2,
                                                    5e-2,   1e-1, 1.0};
    void observe_ns(std::uint64_t ns);
    void render(std::string& out, const char* name, const char* help) const;

   private:
    std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // last: +Inf
    std::atomic<std::uint64_t> sum_ns_{0};
  };

  // Why a request was refused; each has its own series of chatcore_refusals_total.
  enum class Refusal { flood, validation, quota, permission, overflow, count_ };
  void refused(Refusal reason) { refusals_[static_cast<int>(reason)].add(); }
  // Sorts a refused request's status into one of the reasons above.
  void refused(Code code);

  // Published by the loop after every event it handles.
  Gauge sessions_online;
  Gauge rooms;
  Gauge transfers_in_flight;
  Gauge transfer_buffered_bytes;
  Gauge stored_bytes;
  Gauge stored_files;
  Gauge guest_sessions;
  // Counted where they happen.
  Counter sessions_opened;
  Counter room_messages;
  Counter direct_messages;
  Counter deliveries;
  Counter bytes_uploaded;
  Counter bytes_downloaded;
  Histogram loop_turn;
  // From a room message or DM arriving to the end of the flush that started the writes
  // carrying it to its recipients: the store's commit, the fan-out and the turn included.
  Histogram send_to_write;

  // In a cluster: this node's id (set once before the loop starts; empty: a single server)
  // and whether its NATS connection is up (published by the loop on every change).
  std::string node_id;
  Gauge nats_connected;

  // The text exposition format (version 0.0.4).
  std::string render() const;

 private:
  std::array<Counter, static_cast<int>(Refusal::count_)> refusals_;
};

}  // namespace chatcore::transport
