// Admission decides whether a logged-in session may make one more request (flood protection
// per user) and whether an address may open one more session. Plain state, loop thread only.
#pragma once

#include <chatcore/config.h>
#include <chatcore/status.h>

#include <cstddef>
#include <string>
#include <unordered_map>

#include "model/hub.h"
#include "model/token_bucket.h"

namespace chatcore::transport {

// "ipv4:127.0.0.1:5555" -> "ipv4:127.0.0.1", "ipv6:[::1]:5555" -> "ipv6:[::1]".
std::string address_of(const std::string& peer);

class Admission {
 public:
  // max_per_address 0 means no per-address limit.
  Admission(RateLimit messages, RateLimit commands, std::size_t max_per_address)
      : messages_(messages), commands_(commands), max_per_address_(max_per_address) {}

  // RESOURCE_EXHAUSTED with a retry hint when the user's bucket is empty at `now` (seconds,
  // monotonic). A session that was never opened here is not limited.
  Status admit(model::SessionId id, bool is_message, double now);

  // RESOURCE_EXHAUSTED when `peer`'s address holds the most sessions it may.
  Status check_address(const std::string& peer) const;
  void opened(model::SessionId id, const std::string& peer);
  void closed(model::SessionId id);

  std::size_t sessions_from(const std::string& peer) const;

 private:
  struct SessionLimits {
    model::TokenBucket messages;
    model::TokenBucket commands;
    std::string address;
  };

  RateLimit messages_;
  RateLimit commands_;
  std::size_t max_per_address_;
  std::unordered_map<model::SessionId, SessionLimits> limits_;
  std::unordered_map<std::string, std::size_t> per_address_;
};

}  // namespace chatcore::transport
