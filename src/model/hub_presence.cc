// Presence: a session is online or away (with a message) until it ends; an identity without a
// session is offline, last seen when its session ended. Away lasts for the session: a client
// that reconnects sets it again.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"

#include <fmt/format.h>

#include <algorithm>

namespace chatcore::model {

namespace {
constexpr std::size_t kMaxAwayBytes = 200;
}  // namespace

void ChatHub::State::fill_presence(UserInfo& u, const Session* s, const Identity* identity) const {
  if (s != nullptr) {
    u.presence = s->away ? Presence::away : Presence::online;
    u.away_message = s->away.value_or(std::string());
    return;
  }
  if (identity != nullptr && !identity->elsewhere.empty()) {
    // Online on another node of the cluster.
    const auto& r = remote.at(*identity->elsewhere.begin()).record;
    u.online = true;
    u.presence = r.away ? Presence::away : Presence::online;
    u.away_message = r.away.value_or(std::string());
    return;
  }
  u.presence = Presence::offline;
  u.last_seen_unix_ms = identity != nullptr ? identity->last_seen_ms : 0;
}

UserInfo ChatHub::State::user_info(const std::string& nickname,
                                   const std::set<std::string>& keys, const Session* s,
                                   const Identity* identity) const {
  UserInfo u{.nickname = nickname, .room = {}, .online = s != nullptr,
             .guest = identity == nullptr, .rooms = {}};
  for (const auto& key : keys) u.rooms.push_back(rooms.at(key).name);
  std::sort(u.rooms.begin(), u.rooms.end());
  if (!u.rooms.empty()) u.room = u.rooms.front();
  fill_presence(u, s, identity);
  u.server_operator = identity != nullptr && is_server_operator(*identity);
  return u;
}

void ChatHub::State::deliver_to_rooms(const Session& s, const EventPtr& event) {
  std::set<SessionId> audience{s.id};
  for (const auto& key : rooms_of(s)) {
    const auto& online = rooms.at(key).online;
    audience.insert(online.begin(), online.end());
  }
  deliver(audience, event);
}

void ChatHub::State::tell_away(Session* sender, Session& to) {
  if (!to.away) return;
  const auto key = std::make_pair(sender->identity, sender->identity == 0 ? sender->id : 0);
  if (!to.away_told.insert(key).second) return;
  sender->participant->deliver(
      make_notice(AwayNotice{.nickname = to.nickname, .away_message = *to.away}));
}

Result<bool> ChatHub::set_away(SessionId id, std::string_view message) {
  State& st = *state_;
  auto* s = st.session(id);
  if (s == nullptr) return unknown_session();
  if (auto bad = check_line(message, kMaxAwayBytes, "away message"); !bad.ok()) return bad;
  if (message.empty()) {
    if (!s->away) return false;
    s->away.reset();
    s->away_told.clear();  // the next away period tells each sender again
  } else {
    if (s->away == message) return true;
    s->away = std::string(message);
  }
  st.presence_changed(*s);
  st.deliver_to_rooms(*s, make_notice(PresenceChanged{
                              .nickname = s->nickname,
                              .presence = s->away ? Presence::away : Presence::online,
                              .away_message = s->away.value_or(std::string())}));
  return s->away.has_value();
}

Result<UserInfo> ChatHub::whois(SessionId id, std::string_view nickname) const {
  const State& st = *state_;
  if (st.session(id) == nullptr) return unknown_session();
  if (nickname.empty()) return Status{Code::invalid_argument, "name the nickname to look up"};
  const Session* s = st.session_named(nickname);
  const Identity* identity = s != nullptr ? state_->identity_of(*s) : nullptr;
  if (s == nullptr) {
    if (auto it = st.owners.find(fold_case(nickname)); it != st.owners.end()) {
      identity = &st.identities.at(it->second);
    }
  }
  if (s == nullptr && identity == nullptr) {
    if (const auto* r = st.remote_named(nickname)) return st.remote_user_info(*r);
    return Status{Code::not_found, fmt::format("no user named '{}'", util::escape(nickname))};
  }
  // Every room is listed by ListRooms and its members by ListUsers, so all of them are shown.
  return s != nullptr ? st.user_info(s->nickname, st.rooms_of(*s), s, identity)
                      : st.user_info(identity->nickname, identity->rooms, nullptr, identity);
}

}  // namespace chatcore::model
