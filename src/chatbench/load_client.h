// LoadClient drives thousands of chat sessions from one process, each on its own TCP
// connection as real clients are (or on a few shared ones): streams read on completion-queue
// threads, every delivery checked (per-session seq, per-sender order) and timed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chatbench/stats.h"

namespace chatbench {

struct ClientConfig {
  // HOST:PORT, or several joined by commas (the nodes of a cluster): channel i connects to
  // the (i % count)-th, so with a connection per session the sessions spread evenly.
  std::string address;
  int channels = 0;  // TCP connections the sessions share; 0 = one per session
  int threads = 1;
  int text_bytes = 64;
};

// What the sessions saw since the last reset.
struct DeliveryStats {
  std::uint64_t delivered = 0;     // live room messages received
  std::uint64_t out_of_order = 0;  // per-sender message id went backwards or repeated
  std::uint64_t seq_gaps = 0;      // a session's seq skipped or repeated
  std::uint64_t events = 0;        // every event, joins included
  std::uint64_t send_errors = 0;   // SendMessage calls that failed
  std::uint64_t answered = 0;      // SendMessage calls that completed
  std::uint64_t streams_ended = 0; // sessions whose stream ended before close()
  Histogram latency;               // send to receipt, microseconds
};

class LoadClient {
 public:
  explicit LoadClient(ClientConfig config);
  ~LoadClient();
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  // Opens sessions named prefix0..prefix(n-1); returns how many were welcomed in time.
  int open(int n, const std::string& prefix, std::chrono::milliseconds timeout);
  // Session i joins room_of[i] (empty: stays in the lobby); unless the rooms exist already
  // (`create` false), the first of each room creates it.
  bool join(const std::vector<std::string>& room_of, std::chrono::milliseconds timeout,
            bool create = true);
  // Returns once no event arrived for `quiet`, or after `timeout`: now_ns() of the last
  // event seen, to within 5 ms.
  std::int64_t settle(std::chrono::milliseconds quiet, std::chrono::milliseconds timeout);
  // From their next batch on, the sessions stop reading their streams until close(): slow
  // consumers whose queues grow on the server.
  void stall_reading();
  // Members of `room` as session `asker` sees them (ListUsers); -1 on error or timeout.
  int room_size(int asker, const std::string& room, std::chrono::milliseconds timeout);
  // Check per-sender order for senders 0..count-1 (costs count * count words).
  void track_senders(int count);
  void reset_stats();

  // Each sender sends `messages` with `window` calls in flight; returns when all answered.
  bool send_saturating(const std::vector<int>& senders, int messages, int window,
                       std::chrono::milliseconds timeout);
  // Open loop: `sends_per_s` in total, round robin over the senders, for `seconds`.
  bool send_paced(const std::vector<int>& senders, double sends_per_s, double seconds);
  // Waits until `expected` room messages were received in all; returns how many were.
  std::uint64_t wait_delivered(std::uint64_t expected, std::chrono::milliseconds timeout);

  // The newest message id a SendMessage of session `session` was acknowledged with (0: none).
  std::uint64_t acked_id(int session) const;
  DeliveryStats stats();
  double thread_cpu_s() const;  // CPU of the client's own threads so far
  void close();                  // ends every session; idempotent

  struct Session;
  struct Shard;

 private:
  struct Channels;
  void on_shards(void (*fn)(Shard&, void*), void* arg);
  void add_channel();
  ClientConfig config_;
  std::vector<std::string> addresses_;  // config_.address split at the commas
  std::unique_ptr<Channels> channels_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::unique_ptr<Session>> sessions_;
  bool closed_ = false;
};

}  // namespace chatbench
