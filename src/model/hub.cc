// Sessions and identities: connect (guest, first use, rename, takeover), disconnect, nickname
// changes and the lookups the transport needs.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"
#include "util/hex.h"
#include "util/log.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <utility>

namespace chatcore::model {

namespace {
constexpr std::size_t kTokenBytes = 16;
constexpr std::string_view kReplacedReason = "signed in from another client";
}  // namespace

std::string fold_case(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

EventPtr make_event(EventBody body) {
  return std::make_shared<const Event>(Event{.seq = 0, .time_unix_ms = now_unix_ms(),
                                             .body = std::move(body)});
}

RoomMessage room_message_of(const store::StoredMessage& m, std::string room, bool replay,
                            bool missed) {
  return RoomMessage{.message_id = m.id,
                     .room = std::move(room),
                     .sender = m.from,
                     .text = m.text,
                     .replay = replay,
                     .client_msg_id = m.client_msg_id,
                     .sent_unix_ms = m.sent_ms,
                     .room_epoch = m.epoch,
                     .missed = missed,
                     .kind = m.kind};
}

EventPtr make_notice(NoticeBody notice) {
  return std::make_shared<const Event>(Event{.seq = 0, .time_unix_ms = now_unix_ms(), .body = {},
                                             .notice = std::move(notice)});
}

Status unknown_session() { return {Code::failed_precondition, "unknown session"}; }

Session* ChatHub::State::session(SessionId id) {
  auto it = sessions.find(id);
  return it == sessions.end() ? nullptr : &it->second;
}
const Session* ChatHub::State::session(SessionId id) const {
  return const_cast<State*>(this)->session(id);
}
Session* ChatHub::State::session_named(std::string_view nickname) {
  auto it = by_nick.find(fold_case(nickname));
  return it == by_nick.end() ? nullptr : session(it->second);
}
const Session* ChatHub::State::session_named(std::string_view nickname) const {
  return const_cast<State*>(this)->session_named(nickname);
}
Identity* ChatHub::State::identity_of(const Session& s) {
  if (s.identity == 0) return nullptr;
  auto it = identities.find(s.identity);
  return it == identities.end() ? nullptr : &it->second;
}

Status ChatHub::State::check_free(std::string_view nickname, IdentityId identity,
                                  bool has_secret, SessionId self) const {
  const auto key = fold_case(nickname);
  if (auto it = owners.find(key); it != owners.end() && it->second != identity) {
    return Status{Code::already_exists,
                  !has_secret
                      ? fmt::format("nickname '{}' belongs to a registered identity; connect "
                                    "with its secret or pick another",
                                    util::escape(nickname))
                      : fmt::format("nickname '{}' belongs to another identity (this client's "
                                    "secret is not the one that owns it)",
                                    util::escape(nickname))};
  }
  if (pending_nicks.contains(key)) {
    return Status{Code::already_exists,
                  fmt::format("nickname '{}' is already taken", util::escape(nickname))};
  }
  if (auto it = by_nick.find(key); it != by_nick.end() && it->second != self) {
    const auto* other = session(it->second);
    // An identity's own older session is taken over, not a rival.
    if (identity == 0 || other == nullptr || other->identity != identity) {
      return Status{Code::already_exists,
                    fmt::format("nickname '{}' is already taken", util::escape(nickname))};
    }
  }
  // A session on another node of the cluster, unless it is this identity's own.
  if (const auto* r = remote_named(nickname); r != nullptr && (identity == 0 || r->record.identity != identity)) {
    return Status{Code::already_exists,
                  fmt::format("nickname '{}' is already taken", util::escape(nickname))};
  }
  return {};
}

ChatHub::ChatHub(HubConfig config) : state_(std::make_unique<State>()) {
  state_->config = std::move(config);
}

ChatHub::~ChatHub() = default;

Result<SessionId> ChatHub::connect(std::string_view nickname, Participant* participant) {
  return connect(nickname, {}, participant);
}

Result<SessionId> ChatHub::connect(std::string_view nickname, std::string_view secret_hash,
                                   Participant* participant, const ResumePosition& resume) {
  if (participant == nullptr) return Status{Code::internal, "a session needs a participant"};
  if (auto st = check_name(nickname, kMaxNicknameChars, "nickname"); !st.ok()) return st;
  State& st = *state_;
  if (!secret_hash.empty() && !knows_identity(secret_hash)) {
    if (st.store != nullptr) {
      return Status{Code::internal, "a new identity is registered before it connects"};
    }
    Status registered;
    register_identity(nickname, secret_hash, [&](Result<bool> r) { registered = r.status(); });
    if (!registered.ok()) return registered;
  }
  Identity* identity = nullptr;
  if (!secret_hash.empty()) identity = &st.identities.at(st.by_secret.at(std::string(secret_hash)));
  if (auto free = st.check_free(nickname, identity ? identity->id : 0, !secret_hash.empty(), 0);
      !free.ok()) {
    return free;
  }
  if (identity != nullptr) {
    if (auto banned = st.check_ban(identity->id, {}); !banned.ok()) return banned;
  }
  auto token = util::random_hex(kTokenBytes);
  // A collision is astronomically unlikely, but two sessions sharing a token would be fatal.
  while (token && st.by_token.contains(*token)) token = util::random_hex(kTokenBytes);
  if (!token) return Status{Code::internal, "could not generate a session token"};

  const SessionId id = st.next_session++;
  Session& s = st.sessions[id];
  s.id = id;
  s.nickname = std::string(nickname);
  s.token = *token;
  s.client = participant;
  s.participant = participant;
  s.identity = identity ? identity->id : 0;
  if (s.identity == 0) ++st.guest_sessions;
  st.by_token.emplace(*token, id);

  Session* old = identity ? st.session(identity->session) : nullptr;
  if (old != nullptr) {
    // The older stream ends with the reason; its rooms keep their audience through the new
    // session, so nobody sees the user leave and come back.
    old->client->deliver(
        make_event(ShutdownNotice{.reason = std::string(kReplacedReason), .replaced = true}));
    old->client->replaced();
    for (const auto& key : identity->rooms) {
      auto& online = st.rooms.at(key).online;
      online.erase(old->id);
      online.insert(id);
    }
    st.move_files(*old, s);
    st.presence_ended(old->id, kReplacedReason);
    st.by_nick.erase(fold_case(old->nickname));
    st.by_token.erase(old->token);
    st.sessions.erase(old->id);
  }
  st.by_nick.emplace(fold_case(nickname), id);

  std::string renamed_from;
  if (identity != nullptr && identity->nickname != nickname) {
    renamed_from = std::exchange(identity->nickname, std::string(nickname));
    st.owners.erase(fold_case(renamed_from));
    st.owners.emplace(fold_case(nickname), identity->id);
  }
  Welcome welcome{.session = *token,
                  .nickname = std::string(nickname),
                  .limits = st.config.limits,
                  .server = st.config.server_name,
                  .guest = identity == nullptr,
                  .rooms = {},
                  .fingerprint = identity ? identity->secret_hash : std::string(),
                  .motd = st.motd,
                  .server_operator = identity != nullptr && st.is_server_operator(*identity)};
  if (identity != nullptr) {
    identity->session = id;
    st.save_identity(*identity);
    for (const auto& key : identity->rooms) welcome.rooms.push_back(st.rooms.at(key).info());
    std::sort(welcome.rooms.begin(), welcome.rooms.end(),
              [](const RoomInfo& a, const RoomInfo& b) { return a.name < b.name; });
  }
  participant->deliver(make_event(std::move(welcome)));
  st.presence_changed(s);
  if (identity == nullptr) {
    claim_guest(id, s.nickname);
    return id;
  }

  // What an identity finds on its return: each room's recent history, what was sent to it
  // while away, then the switch to live.
  if (st.store != nullptr) {
    st.start_replay(s, *identity, resume);
  } else {
    CaughtUp caught_up;
    for (const auto& key : identity->rooms) {
      const Room& r = st.rooms.at(key);
      const auto named = std::find_if(resume.rooms.begin(), resume.rooms.end(),
                                      [&](const RoomPosition& p) { return fold_case(p.room) == key; });
      if (named == resume.rooms.end()) {
        st.replay_history(s, r);
      } else {
        caught_up.room_messages += st.resume_room(s, r, *named);
      }
    }
    for (auto& dm : identity->waiting) {
      if (dm.message_id <= resume.last_direct_id) continue;
      participant->deliver(make_event(std::move(dm)));
      ++caught_up.direct_messages;
    }
    identity->waiting.clear();
    participant->deliver(make_event(caught_up));
  }
  if (old == nullptr) st.go_online(s);
  if (!renamed_from.empty()) {
    for (const auto& key : identity->rooms) {
      const Room& r = st.rooms.at(key);
      st.deliver(r.online, make_event(NickChanged{.old_nickname = renamed_from,
                                                  .new_nickname = s.nickname,
                                                  .room = r.name}));
    }
  }
  return id;
}

void ChatHub::disconnect(SessionId id, std::string_view reason) {
  auto* s = state_->session(id);
  if (s == nullptr) return;
  if (auto* identity = state_->identity_of(*s)) {
    state_->go_offline(*s, "offline");
    identity->session = 0;
    identity->last_seen_ms = now_unix_ms();
    state_->save_identity(*identity);
  } else {
    // Copied: leave() edits the set it would iterate.
    const auto rooms = s->guest_rooms;
    for (const auto& key : rooms) state_->leave(*s, key, reason, false);
  }
  state_->forget_files(*s);
  if (s->identity == 0) state_->release_guest(*s);
  if (s->identity == 0) --state_->guest_sessions;
  state_->by_nick.erase(fold_case(s->nickname));
  state_->by_token.erase(s->token);
  state_->sessions.erase(id);
  state_->presence_ended(id, reason);
}

SessionId ChatHub::find(std::string_view token) const {
  auto it = state_->by_token.find(std::string(token));
  return it == state_->by_token.end() ? 0 : it->second;
}

std::string ChatHub::nickname(SessionId id) const {
  const auto* s = state_->session(id);
  return s ? s->nickname : std::string();
}

IdentityId ChatHub::identity(SessionId id) const {
  const auto* s = state_->session(id);
  return s ? s->identity : 0;
}

std::size_t ChatHub::session_count() const { return state_->sessions.size(); }
std::size_t ChatHub::room_count() const { return state_->rooms.size(); }
std::size_t ChatHub::guest_count() const { return state_->guest_sessions; }
std::size_t ChatHub::file_count() const { return state_->files.size(); }

Result<std::string> ChatHub::change_nick(SessionId id, std::string_view nickname) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  if (auto st = check_name(nickname, kMaxNicknameChars, "nickname"); !st.ok()) return st;
  if (auto free = state_->check_free(nickname, s->identity, s->identity != 0, id); !free.ok()) return free;
  if (s->nickname == nickname) return s->nickname;
  std::string old = std::exchange(s->nickname, std::string(nickname));
  state_->by_nick.erase(fold_case(old));
  state_->by_nick.emplace(fold_case(nickname), id);
  if (auto* identity = state_->identity_of(*s)) {
    state_->owners.erase(fold_case(old));
    state_->owners.emplace(fold_case(nickname), identity->id);
    identity->nickname = s->nickname;
    state_->save_identity(*identity);
  } else if (state_->store != nullptr && state_->store->claims_guests()) {
    state_->store->release_guest(old, {}, id, state_->logged<bool>("releasing a guest nickname"));
    claim_guest(id, s->nickname);
  }
  state_->presence_changed(*s);
  const auto& rooms = state_->rooms_of(*s);
  if (rooms.empty()) {
    s->participant->deliver(make_event(NickChanged{.old_nickname = std::move(old),
                                                   .new_nickname = s->nickname,
                                                   .room = {}}));
  }
  // One event per room: each room's members see it in that room.
  for (const auto& key : rooms) {
    const Room& r = state_->rooms.at(key);
    state_->deliver(r.online, make_event(NickChanged{.old_nickname = old,
                                                     .new_nickname = s->nickname,
                                                     .room = r.name}));
  }
  return s->nickname;
}

void ChatHub::shutdown(std::string_view reason) {
  auto event = make_event(ShutdownNotice{.reason = std::string(reason)});
  for (auto& [id, s] : state_->sessions) s.client->deliver(event);
}

}  // namespace chatcore::model
