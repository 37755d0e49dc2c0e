#include "cluster/presence_plane.h"

#include <chrono>
#include <vector>

#include "util/escape.h"
#include "util/log.h"

namespace chatcore::cluster {

namespace {

// What the rooms of a dead or stopped node's guests see them leave with.
constexpr std::string_view kNodeDead = "its server went offline";
constexpr std::string_view kNodeStopped = "its server stopped";
// A session whose end this node missed and learnt from a snapshot.
constexpr std::string_view kMissed = "offline";
// How often the beating thread looks for dead peers: the bound is kDeadAfter plus this.
constexpr std::chrono::milliseconds kTick{250};

std::uint64_t now_us() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(
      duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
}

}  // namespace

PresencePlane::PresencePlane(natsConnection* nc, std::string node, store::Post post,
                             model::ChatHub& hub, Dead dead)
    : nc_(nc),
      node_(std::move(node)),
      reply_subject_("chatcore.presence.reply." + node_),
      incarnation_(now_us()),
      post_(std::move(post)),
      hub_(hub),
      dead_(std::move(dead)) {
  hub_.set_presence_listener(
      [this](model::SessionId id, const model::PresenceRecord* record, std::string_view reason) {
        local_changed(id, record, reason);
      });
  // A single token: the sync and reply subjects (one more token) are not matched.
  natsConnection_Subscribe(&updates_, nc_, "chatcore.presence.*", &PresencePlane::on_update, this);
  natsConnection_Subscribe(&sync_, nc_, sync_subject(node_).c_str(), &PresencePlane::on_sync, this);
  natsConnection_Subscribe(&replies_, nc_, reply_subject_.c_str(), &PresencePlane::on_update, this);
  if (updates_ == nullptr || sync_ == nullptr || replies_ == nullptr) {
    log::error("cluster: cannot subscribe to the presence plane: {}", nats_GetLastError(nullptr));
  }
  beater_ = std::thread([this] { beat(); });
}

PresencePlane::~PresencePlane() {
  stop();
  natsSubscription_Destroy(updates_);
  natsSubscription_Destroy(sync_);
  natsSubscription_Destroy(replies_);
}

void PresencePlane::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopped_) return;
    publish_locked(subject(node_), {.kind = PresenceUpdate::Kind::goodbye});
    natsConnection_FlushTimeout(nc_, 500);
    stopped_ = true;
  }
  wake_.notify_all();
  if (beater_.joinable()) beater_.join();
  // Callbacks still on their way find stopped_ set and do nothing.
  for (auto* sub : {updates_, sync_, replies_}) {
    if (sub != nullptr) natsSubscription_Unsubscribe(sub);
  }
}

void PresencePlane::publish_locked(const std::string& subject, PresenceUpdate update) {
  update.node = node_;
  update.incarnation = incarnation_;
  if (update.kind == PresenceUpdate::Kind::session || update.kind == PresenceUpdate::Kind::ended) {
    update.seq = ++seq_;
  } else {
    update.seq = seq_;
  }
  const auto bytes = encode(update);
  // Buffered by nats.c (also while it reconnects); a peer that misses one asks for a snapshot.
  natsConnection_Publish(nc_, subject.c_str(), bytes.data(), static_cast<int>(bytes.size()));
}

void PresencePlane::ask_snapshot_locked(const std::string& node) {
  natsConnection_PublishRequest(nc_, sync_subject(node).c_str(), reply_subject_.c_str(), nullptr,
                                0);
}

void PresencePlane::local_changed(model::SessionId id, const model::PresenceRecord* record,
                                  std::string_view reason) {
  const std::lock_guard lock(mutex_);
  if (stopped_) return;
  if (record != nullptr) {
    local_[id] = *record;
    publish_locked(subject(node_), {.kind = PresenceUpdate::Kind::session, .session = *record});
  } else if (local_.erase(id) != 0) {
    publish_locked(subject(node_), {.kind = PresenceUpdate::Kind::ended, .ended = id,
                                    .reason = std::string(reason)});
  }
}

void PresencePlane::on_update(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  auto* me = static_cast<PresencePlane*>(self);
  auto update = decode_presence({natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))});
  natsMsg_Destroy(msg);
  if (!update.ok()) {
    log::warn("cluster: dropped a presence update: {}", update.status().message);
    return;
  }
  if (update->node != me->node_) me->take(*update);
}

void PresencePlane::take(const PresenceUpdate& u) {
  using Kind = PresenceUpdate::Kind;
  using Action = PresencePeers::Action;
  const auto now = PresencePeers::Clock::now();
  // Posted with the lock held, so the loop applies them in the order they were decided.
  const std::lock_guard lock(mutex_);
  if (stopped_) return;
  Action action = Action::ignore;
  switch (u.kind) {
    case Kind::session:
    case Kind::ended:
      action = peers_.on_delta(u.node, u.incarnation, u.seq, now);
      break;
    case Kind::heartbeat:
      if (peers_.on_heartbeat(u.node, u.incarnation, u.seq, now) == Action::resync) {
        action = Action::resync;
      }
      break;
    case Kind::goodbye:
      peers_.forget(u.node);
      post_([this, node = u.node] { hub_.remote_node_presence(node, {}, kNodeStopped); });
      return;
    case Kind::snapshot:
      if (peers_.on_snapshot(u.node, u.incarnation, u.seq, now)) {
        post_([this, node = u.node, records = u.snapshot] {
          hub_.remote_node_presence(node, records, kMissed);
        });
      }
      return;
  }
  if (action == Action::resync) {
    ask_snapshot_locked(u.node);
  } else if (action == Action::apply && u.kind == Kind::session) {
    post_([this, node = u.node, record = u.session] { hub_.remote_presence(node, record); });
  } else if (action == Action::apply && u.kind == Kind::ended) {
    post_([this, node = u.node, id = u.ended, reason = u.reason] {
      hub_.remote_presence_ended(node, id, reason);
    });
  }
}

void PresencePlane::on_sync(natsConnection* nc, natsSubscription*, natsMsg* msg, void* self) {
  auto* me = static_cast<PresencePlane*>(self);
  const std::string reply = natsMsg_GetReply(msg) != nullptr ? natsMsg_GetReply(msg) : "";
  natsMsg_Destroy(msg);
  if (reply.empty()) return;
  const std::lock_guard lock(me->mutex_);
  if (me->stopped_) return;
  PresenceUpdate snapshot{.kind = PresenceUpdate::Kind::snapshot};
  snapshot.snapshot.reserve(me->local_.size());
  for (const auto& [id, record] : me->local_) snapshot.snapshot.push_back(record);
  (void)nc;
  me->publish_locked(reply, std::move(snapshot));
}

// Every live peer beats each kHeartbeat, so after kDeadAfter of being connected this node has
// heard each of them; once the snapshots of all it heard are in (posted before this), the hub
// holds every live node's sessions. A spell without NATS starts the wait again.
void PresencePlane::check_known_locked(PresencePeers::Clock::time_point now) {
  if (natsConnection_Status(nc_) != NATS_CONN_STATUS_CONNECTED) {
    connected_since_ = now;
    return;
  }
  if (now - connected_since_ <= kDeadAfter || !peers_.all_synced()) return;
  known_ = true;
  post_([this] { hub_.cluster_presence_known(); });
}

void PresencePlane::beat() {
  auto next_beat = PresencePeers::Clock::now();
  std::unique_lock lock(mutex_);
  while (!stopped_) {
    const auto now = PresencePeers::Clock::now();
    if (now >= next_beat) {
      publish_locked(subject(node_), {.kind = PresenceUpdate::Kind::heartbeat});
      next_beat = now + kHeartbeat;
    }
    // Cut off from NATS this node hears nobody: the others are not dead for that, and its
    // users keep seeing them as they were until it is back (and resyncs what it missed).
    if (natsConnection_Status(nc_) != NATS_CONN_STATUS_CONNECTED) peers_.hold(now);
    for (const auto& dead : peers_.expire(now)) {
      log::warn("cluster: node {} missed its heartbeats; its users are offline",
                util::escape(dead));
      post_([this, dead] {
        hub_.remote_node_presence(dead, {}, kNodeDead, true);
        if (dead_) dead_(dead);
      });
    }
    if (!known_) check_known_locked(now);
    wake_.wait_for(lock, kTick, [this] { return stopped_; });
  }
}

}  // namespace chatcore::cluster
