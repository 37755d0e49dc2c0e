// ResumeClient holds chat identities, each on a TCP connection of its own, that go away and
// come back with their resume positions; it checks that every room message arrives once, in order.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace chatbench {

// What the identities saw, summed over all of them.
struct ResumeTally {
  int welcomed = 0;   // sessions welcomed since the last connect_all
  int caught_up = 0;  // of those, sessions that have received CaughtUp
  int live = 0;       // streams that have not ended
  std::uint64_t received = 0;      // room messages after each session's position, live or missed
  std::uint64_t replayed = 0;      // of those, the ones marked missed
  std::uint64_t duplicates = 0;    // an id at or before the session's position: sent twice
  std::uint64_t skipped = 0;       // ids jumped over: lost in the middle
  std::uint64_t history_gaps = 0;  // HistoryGap events
  std::int64_t first_welcome_ns = 0;   // now_ns() of the first Welcome of the last connect_all
  std::int64_t last_caught_up_ns = 0;  // now_ns() of the last CaughtUp
};

class ResumeClient {
 public:
  // Identities prefix0..prefix(n-1), each with a fresh 32-byte secret.
  ResumeClient(int n, const std::string& prefix);
  ~ResumeClient();
  ResumeClient(const ResumeClient&) = delete;
  ResumeClient& operator=(const ResumeClient&) = delete;

  // Opens every session at `address` (on new connections when the address changed), all at
  // once; with `resume` each names its room's position. Returns how many were welcomed in time.
  int connect_all(const std::string& address, bool resume, std::chrono::milliseconds timeout);
  // Session i joins room_of[i]; the first of each room creates it.
  bool join(const std::vector<std::string>& room_of, std::chrono::milliseconds timeout);
  bool wait_caught_up(std::chrono::milliseconds timeout);
  bool wait_received(std::uint64_t count, std::chrono::milliseconds timeout);
  // Ends every stream from this side and waits until each has finished.
  bool disconnect_all(std::chrono::milliseconds timeout);
  // Ends the streams of the sessions in `which` (each open) and waits until they have finished.
  bool disconnect(const std::vector<int>& which, std::chrono::milliseconds timeout);
  // Waits until every stream has ended by itself (the server went away).
  bool wait_ended(std::chrono::milliseconds timeout);
  // Messages still owed: per session, how far its position is behind its room's `last_ids`.
  std::uint64_t missing(const std::map<std::string, std::uint64_t>& last_ids) const;
  ResumeTally tally() const;

  struct Identity;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatbench
