#include "transport/call_registry.h"

#include <fmt/format.h>

namespace chatcore::transport {

void CallRegistry::started(std::string_view kind) {
  ++active_;
  ++by_kind_[kind];
}

void CallRegistry::freed(std::string_view kind) {
  --active_;
  if (auto it = by_kind_.find(kind); it != by_kind_.end() && --it->second == 0) by_kind_.erase(it);
  if (shutting_down_) publish();
}

void CallRegistry::session_closed(model::SessionId id) {
  sessions_.erase(id);
  if (shutting_down_) publish();
}

std::string CallRegistry::describe() const {
  std::string kinds;
  for (const auto& [kind, count] : by_kind_) kinds += fmt::format(" {}={}", kind, count);
  return kinds;
}

void CallRegistry::begin_shutdown() {
  shutting_down_ = true;
  publish();
}

void CallRegistry::publish() {
  {
    const std::lock_guard lock(mutex_);
    // Sticky: a call armed before the shutdown may still start, but the waiter moves on.
    if (sessions_.empty()) sessions_drained_ = true;
    if (active_ == 0) calls_idle_ = true;
  }
  changed_.notify_all();
}

bool CallRegistry::wait_sessions_until(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  return changed_.wait_until(lock, until, [this] { return sessions_drained_; });
}

bool CallRegistry::wait_idle_for(std::chrono::steady_clock::duration timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return calls_idle_; });
}

}  // namespace chatcore::transport
