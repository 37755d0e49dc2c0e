// Presence across the nodes of a cluster: this node's sessions as records for the others, and
// the others' sessions kept beside this node's own, so that listings, Whois, online counts,
// DMs and nickname checks see the whole cluster and local members see remote comings and
// goings as they see local ones.
#include "model/hub.h"

#include "model/hub_state.h"
#include "util/escape.h"
#include "util/log.h"

#include <algorithm>

namespace chatcore::model {

namespace {
constexpr std::string_view kOffline = "offline";
}  // namespace

PresenceRecord ChatHub::State::record_of(const Session& s) const {
  PresenceRecord r{.session = s.id, .nickname = s.nickname, .identity = s.identity,
                   .away = s.away, .rooms = {}};
  if (s.identity == 0) {
    for (const auto& key : s.guest_rooms) r.rooms.push_back(rooms.at(key).name);
  }
  return r;
}

void ChatHub::State::presence_changed(const Session& s) const {
  if (!presence_listener) return;
  const auto record = record_of(s);
  presence_listener(s.id, &record, {});
}

void ChatHub::State::presence_ended(SessionId id, std::string_view reason) const {
  if (presence_listener) presence_listener(id, nullptr, reason);
}

const RemoteSession* ChatHub::State::remote_named(std::string_view nickname) const {
  auto it = remote_by_nick.find(fold_case(nickname));
  if (it == remote_by_nick.end()) return nullptr;
  auto r = remote.find(it->second);
  return r == remote.end() ? nullptr : &r->second;
}

UserInfo ChatHub::State::remote_user_info(const RemoteSession& r) const {
  const Identity* identity = nullptr;
  if (auto it = identities.find(r.record.identity); r.record.identity != 0 && it != identities.end()) {
    identity = &it->second;
  }
  UserInfo u = user_info(r.record.nickname, identity ? identity->rooms : r.room_keys, nullptr,
                         identity);
  u.online = true;
  u.presence = r.record.away ? Presence::away : Presence::online;
  u.away_message = r.record.away.value_or(std::string());
  u.last_seen_unix_ms = 0;
  return u;
}

void ChatHub::State::list_remote(std::vector<UserInfo>& out, const std::string* key) const {
  if (key != nullptr) {
    for (const auto& rk : rooms.at(*key).remote_guests) out.push_back(remote_user_info(remote.at(rk)));
    return;
  }
  std::set<IdentityId> listed;  // an identity on two nodes at once is one user
  for (const auto& [rk, r] : remote) {
    const IdentityId iid = r.record.identity;
    if (iid != 0) {
      auto it = identities.find(iid);
      if (it == identities.end() || it->second.session != 0 || !listed.insert(iid).second) continue;
    }
    out.push_back(remote_user_info(r));
  }
}

void ChatHub::State::attach_identity(const RemoteKey& key, const RemoteSession& r) {
  auto it = identities.find(r.record.identity);
  if (it == identities.end()) return;  // its registration is still on its way through the log
  Identity& i = it->second;
  if (!i.elsewhere.insert(key).second || i.elsewhere.size() > 1) return;
  for (const auto& room_key : i.rooms) {
    Room& room = rooms.at(room_key);
    room.elsewhere.insert(i.id);
    if (i.session != 0) continue;  // online here already: nobody sees a change
    deliver(room.online, make_event(MemberJoined{.room = room.name, .nickname = i.nickname,
                                                 .members = room.members()}));
  }
}

void ChatHub::State::forget_room(const std::string& key, const Room& r) {
  for (const auto& remote_key : r.remote_guests) remote.at(remote_key).room_keys.erase(key);
  for (SessionId sid : r.guests) {
    if (const auto* s = session(sid)) presence_changed(*s);
  }
}

void ChatHub::State::release_guest(const Session& s) {
  if (store == nullptr || !store->claims_guests()) return;
  store->release_guest(s.nickname, {}, s.id, logged<bool>("releasing a guest nickname"));
}

void ChatHub::claim_guest(SessionId id, const std::string& nickname) {
  State& st = *state_;
  if (st.store == nullptr || !st.store->claims_guests()) return;
  st.store->claim_guest(nickname, {}, id, [this, id, nickname](Result<bool> won) {
    if (won.ok() && *won) return;
    auto* s = state_->session(id);
    if (s == nullptr || s->nickname != nickname) return;  // gone or renamed meanwhile
    // The log's order decided: another node's guest or identity had it first.
    const std::string why =
        won.ok() ? "nickname '" + util::escape(nickname) +
                       "' was taken on another server at the same moment; connect with another"
                 : "cannot claim the nickname: " + won.status().message;
    log::info("guest {} ends: {}", util::escape(nickname), why);
    s->client->deliver(make_event(ShutdownNotice{.reason = why}));
    s->client->replaced();
    disconnect(id, why);
  });
}

void ChatHub::set_presence_listener(PresenceListener changed) {
  state_->presence_listener = std::move(changed);
}

std::vector<PresenceRecord> ChatHub::local_presence() const {
  std::vector<PresenceRecord> out;
  out.reserve(state_->sessions.size());
  for (const auto& [id, s] : state_->sessions) out.push_back(state_->record_of(s));
  return out;
}

void ChatHub::remote_presence(std::string_view node, const PresenceRecord& record) {
  State& st = *state_;
  const RemoteKey key{std::string(node), record.session};
  auto [it, fresh] = st.remote.try_emplace(key);
  RemoteSession& r = it->second;
  const PresenceRecord before = std::exchange(r.record, record);
  if (!fresh && fold_case(before.nickname) != fold_case(record.nickname)) {
    if (auto old = st.remote_by_nick.find(fold_case(before.nickname));
        old != st.remote_by_nick.end() && old->second == key) {
      st.remote_by_nick.erase(old);
    }
  }
  st.remote_by_nick[fold_case(record.nickname)] = key;
  const bool away_changed = !fresh && before.away != record.away;
  const auto presence = make_notice(PresenceChanged{
      .nickname = record.nickname, .presence = record.away ? Presence::away : Presence::online,
      .away_message = record.away.value_or(std::string())});
  if (record.identity != 0) {
    st.attach_identity(key, r);
    auto i = st.identities.find(record.identity);
    if (!away_changed || i == st.identities.end() || i->second.session != 0) return;
    std::set<SessionId> audience;
    for (const auto& room_key : i->second.rooms) {
      const auto& online = st.rooms.at(room_key).online;
      audience.insert(online.begin(), online.end());
    }
    st.deliver(audience, presence);
    return;
  }
  std::set<std::string> now;
  for (const auto& name : record.rooms) {
    if (auto k = fold_case(name); st.rooms.contains(k)) now.insert(k);
  }
  for (const auto& room_key : r.room_keys) {
    if (now.contains(room_key)) continue;
    Room& room = st.rooms.at(room_key);
    room.remote_guests.erase(key);
    st.deliver(room.online, make_event(MemberLeft{.room = room.name, .nickname = before.nickname,
                                                  .members = room.members(), .reason = "left"}));
  }
  for (const auto& room_key : now) {
    Room& room = st.rooms.at(room_key);
    if (r.room_keys.contains(room_key)) {
      if (before.nickname != record.nickname) {
        st.deliver(room.online, make_event(NickChanged{.old_nickname = before.nickname,
                                                       .new_nickname = record.nickname,
                                                       .room = room.name}));
      }
      if (away_changed) st.deliver(room.online, presence);
      continue;
    }
    room.remote_guests.insert(key);
    st.deliver(room.online, make_event(MemberJoined{.room = room.name, .nickname = record.nickname,
                                                    .members = room.members()}));
  }
  r.room_keys = std::move(now);
}

void ChatHub::remote_presence_ended(std::string_view node, SessionId session,
                                    std::string_view reason, bool node_died) {
  State& st = *state_;
  const RemoteKey key{std::string(node), session};
  auto it = st.remote.find(key);
  if (it == st.remote.end()) return;
  const RemoteSession r = std::move(it->second);
  st.remote.erase(it);
  if (auto nick = st.remote_by_nick.find(fold_case(r.record.nickname));
      nick != st.remote_by_nick.end() && nick->second == key) {
    st.remote_by_nick.erase(nick);
  }
  for (const auto& room_key : r.room_keys) {
    Room& room = st.rooms.at(room_key);
    room.remote_guests.erase(key);
    st.deliver(room.online, make_event(MemberLeft{.room = room.name, .nickname = r.record.nickname,
                                                  .members = room.members(),
                                                  .reason = std::string(reason)}));
    if (node_died) delete_abandoned_room(room_key);
  }
  auto i = st.identities.find(r.record.identity);
  if (r.record.identity == 0 || i == st.identities.end()) return;
  Identity& identity = i->second;
  if (identity.elsewhere.erase(key) == 0 || !identity.elsewhere.empty()) return;
  // Every room: a membership it ended meanwhile may still name it.
  for (auto& [room_key, room] : st.rooms) room.elsewhere.erase(identity.id);
  if (identity.session != 0) return;
  for (const auto& room_key : identity.rooms) {
    const Room& room = st.rooms.at(room_key);
    st.deliver(room.online, make_event(MemberLeft{.room = room.name, .nickname = identity.nickname,
                                                  .members = room.members(),
                                                  .reason = std::string(kOffline)}));
  }
}

void ChatHub::remote_node_presence(std::string_view node, const std::vector<PresenceRecord>& records,
                                   std::string_view reason, bool node_died) {
  State& st = *state_;
  std::set<SessionId> listed;
  for (const auto& r : records) listed.insert(r.session);
  std::vector<SessionId> gone;
  for (auto it = st.remote.lower_bound({std::string(node), 0});
       it != st.remote.end() && it->first.first == node; ++it) {
    if (!listed.contains(it->first.second)) gone.push_back(it->first.second);
  }
  for (SessionId sid : gone) remote_presence_ended(node, sid, reason, node_died);
  for (const auto& r : records) remote_presence(node, r);
}

void ChatHub::cluster_presence_known() {
  State& st = *state_;
  const auto unclaimed = std::exchange(st.unclaimed_rooms, {});
  std::size_t empty = 0;
  for (const auto& [key, epoch] : unclaimed) {
    auto it = st.rooms.find(key);
    if (it == st.rooms.end() || it->second.epoch != epoch || it->second.members() != 0) continue;
    ++empty;
    delete_abandoned_room(key);
  }
  log::info("cluster: every live node's sessions are known; {} of the {} rooms kept without "
            "members at start-up have none on any node and go",
            empty, unclaimed.size());
}

void ChatHub::delete_abandoned_room(const std::string& key) {
  State& st = *state_;
  auto it = st.rooms.find(key);
  if (it == st.rooms.end() || it->second.members() != 0) return;
  const std::string name = it->second.name;
  const std::uint64_t epoch = it->second.epoch;
  log::info("room '{}' has no members on any node; deleting it", util::escape(name));
  if (st.store == nullptr) return remote_room_deleted(name, epoch);
  // The log hands this node's own commands back to no one: the completion drops the room.
  // NOT_FOUND: another node's deletion (handed over already) or a newer life came first.
  st.store->delete_room_epoch(name, epoch, [this, name, epoch](Result<bool> deleted) {
    if (deleted.ok()) return remote_room_deleted(name, epoch);
    if (deleted.status().code != Code::not_found) {
      State::log_store_failure("deleting room " + name, deleted.status());
    }
  });
}

}  // namespace chatcore::model
