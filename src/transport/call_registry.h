// CallRegistry counts the calls that started and are not yet freed, by RPC, and maps logged-in
// sessions to their calls. The loop thread owns it; only the shutdown latch crosses threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "model/hub.h"

namespace chatcore::transport {

class SessionCall;

class CallRegistry {
 public:
  // Loop thread.
  void started(std::string_view kind);
  void freed(std::string_view kind);
  void session_opened(model::SessionId id, SessionCall* call) { sessions_.emplace(id, call); }
  void session_closed(model::SessionId id);

  std::size_t active() const { return active_; }
  std::size_t active(std::string_view kind) const {
    const auto it = by_kind_.find(kind);
    return it == by_kind_.end() ? 0 : it->second;
  }
  const std::unordered_map<model::SessionId, SessionCall*>& sessions() const { return sessions_; }
  // The RPCs still running, e.g. " Connect=2 Upload=1", for the shutdown diagnostics.
  std::string describe() const;

  // Loop thread: no call re-arms after this; every later change is published to the waiters.
  void begin_shutdown();
  bool shutting_down() const { return shutting_down_; }
  // Loop thread, while shutting down: publishes whether sessions and calls are all gone.
  void publish();

  // Any thread. True once every session has ended (false if `until` came first).
  bool wait_sessions_until(std::chrono::steady_clock::time_point until);
  // Any thread. True once no started call is left (false if `timeout` passed first).
  bool wait_idle_for(std::chrono::steady_clock::duration timeout);

 private:
  std::size_t active_ = 0;
  std::unordered_map<std::string_view, std::size_t> by_kind_;
  std::unordered_map<model::SessionId, SessionCall*> sessions_;
  bool shutting_down_ = false;

  // What the loop published, read by the shutting-down thread.
  std::mutex mutex_;
  std::condition_variable changed_;
  bool sessions_drained_ = false;
  bool calls_idle_ = false;
};

}  // namespace chatcore::transport
