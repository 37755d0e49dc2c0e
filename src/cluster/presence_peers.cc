#include "cluster/presence_peers.h"

namespace chatcore::cluster {

PresencePeers::Peer* PresencePeers::heard(const std::string& node, std::uint64_t incarnation,
                                          Clock::time_point now) {
  auto [it, fresh] = peers_.try_emplace(node);
  Peer& p = it->second;
  if (!fresh && incarnation < p.incarnation) return nullptr;
  if (fresh || incarnation > p.incarnation) p = Peer{.incarnation = incarnation};
  p.heard = now;
  return &p;
}

PresencePeers::Action PresencePeers::resync(Peer& p, Clock::time_point now) {
  p.synced = false;
  // One question at a time: the answer, or the next beat after kResyncAfter, settles it.
  if (p.asked != Clock::time_point{} && now - p.asked < kResyncAfter) return Action::ignore;
  p.asked = now;
  return Action::resync;
}

PresencePeers::Action PresencePeers::on_delta(const std::string& node, std::uint64_t incarnation,
                                              std::uint64_t seq, Clock::time_point now) {
  Peer* p = heard(node, incarnation, now);
  if (p == nullptr) return Action::ignore;
  if (!p->synced) return resync(*p, now);
  if (seq <= p->seq) return Action::ignore;  // the snapshot had it already
  if (seq != p->seq + 1) return resync(*p, now);
  p->seq = seq;
  return Action::apply;
}

PresencePeers::Action PresencePeers::on_heartbeat(const std::string& node,
                                                  std::uint64_t incarnation, std::uint64_t seq,
                                                  Clock::time_point now) {
  Peer* p = heard(node, incarnation, now);
  if (p == nullptr) return Action::ignore;
  if (!p->synced || seq > p->seq) return resync(*p, now);
  return Action::apply;
}

bool PresencePeers::on_snapshot(const std::string& node, std::uint64_t incarnation,
                                std::uint64_t seq, Clock::time_point now) {
  Peer* p = heard(node, incarnation, now);
  if (p == nullptr || (p->synced && seq < p->seq)) return false;  // an older answer
  p->seq = seq;
  p->synced = true;
  p->asked = {};
  return true;
}

void PresencePeers::forget(const std::string& node) { peers_.erase(node); }

std::vector<std::string> PresencePeers::expire(Clock::time_point now) {
  std::vector<std::string> dead;
  for (auto it = peers_.begin(); it != peers_.end();) {
    if (now - it->second.heard > kDeadAfter) {
      dead.push_back(it->first);
      it = peers_.erase(it);
    } else {
      ++it;
    }
  }
  return dead;
}

void PresencePeers::hold(Clock::time_point now) {
  for (auto& [node, p] : peers_) p.heard = now;
}

bool PresencePeers::all_synced() const {
  for (const auto& [node, p] : peers_) {
    if (!p.synced) return false;
  }
  return true;
}

}  // namespace chatcore::cluster
