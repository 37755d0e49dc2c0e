// The presence plane's wire form: a node's session deltas, heartbeats, goodbye and snapshots
// (PresenceMessage in cluster.proto) to and from the hub's PresenceRecords.
#pragma once

#include <chatcore/status.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/hub.h"

namespace chatcore::cluster {

struct PresenceUpdate {
  enum class Kind { session, ended, heartbeat, goodbye, snapshot };
  std::string node{};
  std::uint64_t incarnation = 0;
  std::uint64_t seq = 0;
  Kind kind = Kind::heartbeat;
  model::PresenceRecord session{};               // Kind::session
  model::SessionId ended = 0;                    // Kind::ended
  std::string reason{};                          // Kind::ended
  std::vector<model::PresenceRecord> snapshot{};  // Kind::snapshot
};

std::string encode(const PresenceUpdate& update);
// INVALID_ARGUMENT for bytes that are not a PresenceUpdate with a known body.
Result<PresenceUpdate> decode_presence(std::string_view bytes);

}  // namespace chatcore::cluster
