// PresencePeers is what a node knows of the other nodes' presence streams: for each peer its
// incarnation, the last delta applied and when it was last heard, deciding per message whether
// to apply it, ignore it or ask for a snapshot, and which peers are dead. No I/O, no locking.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace chatcore::cluster {

// A node beats every kHeartbeat; one silent for longer than kDeadAfter (three beats missed)
// is dead. A snapshot asked for and not answered within kResyncAfter is asked for again.
inline constexpr std::chrono::milliseconds kHeartbeat{1000};
inline constexpr std::chrono::milliseconds kDeadAfter{3000};
inline constexpr std::chrono::milliseconds kResyncAfter{1000};

class PresencePeers {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Action { apply, ignore, resync };

  // A delta (`seq` counts 1, 2, 3... per incarnation) from `node`.
  Action on_delta(const std::string& node, std::uint64_t incarnation, std::uint64_t seq,
                  Clock::time_point now);
  // A heartbeat carrying the number of the node's last delta: apply means all is well.
  Action on_heartbeat(const std::string& node, std::uint64_t incarnation, std::uint64_t seq,
                      Clock::time_point now);
  // A snapshot as of delta `seq`: whether to take it (false: an older incarnation's).
  bool on_snapshot(const std::string& node, std::uint64_t incarnation, std::uint64_t seq,
                   Clock::time_point now);
  // The node said goodbye: it is forgotten (and known again from its next message).
  void forget(const std::string& node);
  // The peers silent for longer than kDeadAfter, forgotten.
  std::vector<std::string> expire(Clock::time_point now);
  // This node cannot hear anyone now (its own link to NATS is down): every peer counts as
  // heard, so that none is declared dead for a silence that is this node's, and each has
  // kDeadAfter from the link's return to be heard again.
  void hold(Clock::time_point now);
  // Whether every peer heard (and not expired) has had its snapshot taken: this node holds
  // all their sessions.
  bool all_synced() const;

 private:
  struct Peer {
    std::uint64_t incarnation = 0;
    std::uint64_t seq = 0;  // the last delta applied (or the snapshot's)
    bool synced = false;
    Clock::time_point heard{};
    Clock::time_point asked{};  // when a snapshot was last asked for
  };
  // The peer as of this message (a new incarnation starts it afresh), or nullptr for a
  // message of an older incarnation.
  Peer* heard(const std::string& node, std::uint64_t incarnation, Clock::time_point now);
  Action resync(Peer& p, Clock::time_point now);

  std::map<std::string, Peer> peers_;
};

}  // namespace chatcore::cluster
