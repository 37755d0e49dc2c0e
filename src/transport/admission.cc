#include "transport/admission.h"

#include <fmt/format.h>

#include <algorithm>

namespace chatcore::transport {

std::string address_of(const std::string& peer) {
  const auto colon = peer.rfind(':');
  const auto first = peer.find(':');
  return colon == std::string::npos || colon == first ? peer : peer.substr(0, colon);
}

Status Admission::admit(model::SessionId id, bool is_message, double now) {
  auto it = limits_.find(id);
  if (it == limits_.end()) return {};
  auto& bucket = is_message ? it->second.messages : it->second.commands;
  const double wait = bucket.take(now);
  if (wait <= 0) return {};
  return Status(Code::resource_exhausted,
                fmt::format("too many {}; slow down and retry in {:.1f} s",
                            is_message ? "messages" : "requests", std::max(wait, 0.1)));
}

Status Admission::check_address(const std::string& peer) const {
  if (max_per_address_ == 0) return {};
  if (sessions_from(peer) >= max_per_address_) {
    return Status(Code::resource_exhausted,
                  fmt::format("too many sessions from your address (limit {})", max_per_address_));
  }
  return {};
}

void Admission::opened(model::SessionId id, const std::string& peer) {
  auto address = address_of(peer);
  ++per_address_[address];
  limits_.emplace(id, SessionLimits{.messages = {messages_.per_second, messages_.burst},
                                    .commands = {commands_.per_second, commands_.burst},
                                    .address = std::move(address)});
}

void Admission::closed(model::SessionId id) {
  auto it = limits_.find(id);
  if (it == limits_.end()) return;
  auto count = per_address_.find(it->second.address);
  if (count != per_address_.end() && --count->second == 0) per_address_.erase(count);
  limits_.erase(it);
}

std::size_t Admission::sessions_from(const std::string& peer) const {
  const auto it = per_address_.find(address_of(peer));
  return it == per_address_.end() ? 0 : it->second;
}

}  // namespace chatcore::transport
