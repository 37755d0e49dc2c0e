// PresencePlane shares who is online between the nodes of a cluster over core NATS: it
// publishes this node's session deltas and a heartbeat, takes in the other nodes' (asking for a
// snapshot when it missed something) and declares a node that stopped beating dead.
#pragma once

#include <nats/nats.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "cluster/presence_codec.h"
#include "cluster/presence_peers.h"
#include "model/hub.h"
#include "store/store.h"

namespace chatcore::cluster {

class PresencePlane {
 public:
  // Before the loop runs: becomes the hub's presence listener, subscribes and starts beating.
  // The other nodes' changes reach `hub` through `post`, on the loop, where `dead` also runs
  // with the id of each node found dead.
  using Dead = std::function<void(const std::string& node)>;
  PresencePlane(natsConnection* nc, std::string node, store::Post post, model::ChatHub& hub,
                Dead dead);
  // stop(), if it has not run.
  ~PresencePlane();
  PresencePlane(const PresencePlane&) = delete;
  PresencePlane& operator=(const PresencePlane&) = delete;

  // Any thread, before the hub or the loop's Waker go: says goodbye, unsubscribes and joins
  // the heartbeat thread; nothing is posted afterwards.
  void stop();

  static std::string subject(const std::string& node) { return "chatcore.presence." + node; }
  static std::string sync_subject(const std::string& node) {
    return "chatcore.presence.sync." + node;
  }

 private:
  // The hub's listener, on the loop.
  void local_changed(model::SessionId id, const model::PresenceRecord* record,
                     std::string_view reason);
  // On nats.c threads.
  static void on_update(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_sync(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  void take(const PresenceUpdate& update);
  void beat();
  // With mutex_ held.
  void publish_locked(const std::string& subject, PresenceUpdate update);
  void ask_snapshot_locked(const std::string& node);
  // Tells the hub once that it holds every live node's sessions (see the .cc).
  void check_known_locked(PresencePeers::Clock::time_point now);

  natsConnection* nc_;
  const std::string node_;
  const std::string reply_subject_;
  const std::uint64_t incarnation_;
  store::Post post_;
  model::ChatHub& hub_;
  Dead dead_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::uint64_t seq_ = 0;
  std::map<model::SessionId, model::PresenceRecord> local_;  // the loop's, mirrored for snapshots
  PresencePeers peers_;
  PresencePeers::Clock::time_point connected_since_ = PresencePeers::Clock::now();
  bool known_ = false;  // the hub was told every live node's sessions are in
  natsSubscription* updates_ = nullptr;
  natsSubscription* sync_ = nullptr;
  natsSubscription* replies_ = nullptr;
  std::thread beater_;
};

}  // namespace chatcore::cluster
