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
constexpr std::size_t kMaxNicknameChars = 32;
constexpr std::size_t kMaxRoomNameChars = 64;
constexpr std::size_t kTokenBytes = 16;
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
Room* ChatHub::State::room(std::string_view name) {
  auto it = rooms.find(fold_case(name));
  return it == rooms.end() ? nullptr : &it->second;
}
const Room* ChatHub::State::room(std::string_view name) const {
  return const_cast<State*>(this)->room(name);
}

void ChatHub::State::leave_current(Session& s, std::string_view reason, bool tell_self) {
  if (s.room_key.empty()) return;
  auto it = rooms.find(s.room_key);
  s.room_key.clear();
  if (it == rooms.end()) return;
  Room& r = it->second;
  r.members.erase(s.id);
  if (!r.members.empty() || tell_self) {
    auto event = make_event(MemberLeft{.room = r.name,
                                       .nickname = s.nickname,
                                       .members = static_cast<std::uint32_t>(r.members.size()),
                                       .reason = std::string(reason)});
    deliver(r.members, event);
    if (tell_self) s.participant->deliver(event);
  }
  if (r.members.empty()) {
    log::debug("room '{}' deleted: it is empty", r.name);
    rooms.erase(it);
  }
}

ChatHub::ChatHub(HubConfig config) : state_(std::make_unique<State>()) {
  state_->config = std::move(config);
}

ChatHub::~ChatHub() = default;

Result<SessionId> ChatHub::connect(std::string_view nickname, Participant* participant) {
  if (participant == nullptr) return Status{Code::internal, "a session needs a participant"};
  if (auto st = check_name(nickname, kMaxNicknameChars, "nickname"); !st.ok()) return st;
  auto key = fold_case(nickname);
  if (state_->by_nick.contains(key)) {
    return Status{Code::already_exists, fmt::format("nickname '{}' is already taken", util::escape(nickname))};
  }
  auto token = util::random_hex(kTokenBytes);
  // A collision is astronomically unlikely, but two sessions sharing a token would be fatal.
  while (token && state_->by_token.contains(*token)) token = util::random_hex(kTokenBytes);
  if (!token) return Status{Code::internal, "could not generate a session token"};

  const SessionId id = state_->next_session++;
  state_->sessions.emplace(id, Session{.id = id,
                                       .nickname = std::string(nickname),
                                       .token = *token,
                                       .participant = participant,
                                       .room_key = {},
                                       .files = {}});
  state_->by_nick.emplace(std::move(key), id);
  state_->by_token.emplace(*token, id);
  participant->deliver(make_event(Welcome{.session = *token,
                                          .nickname = std::string(nickname),
                                          .limits = state_->config.limits,
                                          .server = state_->config.server_name,
                                          .guest = true,
                                          .rooms = {}}));
  return id;
}

void ChatHub::disconnect(SessionId id, std::string_view reason) {
  auto* s = state_->session(id);
  if (s == nullptr) return;
  state_->leave_current(*s, reason, false);
  state_->forget_files(*s);
  state_->by_nick.erase(fold_case(s->nickname));
  state_->by_token.erase(s->token);
  state_->sessions.erase(id);
}

SessionId ChatHub::find(std::string_view token) const {
  auto it = state_->by_token.find(std::string(token));
  return it == state_->by_token.end() ? 0 : it->second;
}

std::string ChatHub::nickname(SessionId id) const {
  const auto* s = state_->session(id);
  return s ? s->nickname : std::string();
}

std::string ChatHub::room_of(SessionId id) const {
  const auto* s = state_->session(id);
  if (s == nullptr || s->room_key.empty()) return {};
  return state_->rooms.at(s->room_key).name;
}

std::size_t ChatHub::session_count() const { return state_->sessions.size(); }
std::size_t ChatHub::room_count() const { return state_->rooms.size(); }

Result<RoomInfo> ChatHub::create_room(SessionId id, std::string_view name) {
  if (state_->session(id) == nullptr) return unknown_session();
  if (auto st = check_name(name, kMaxRoomNameChars, "room name"); !st.ok()) return st;
  if (const auto* r = state_->room(name)) {
    return Status{Code::already_exists, fmt::format("room '{}' already exists", util::escape(r->name))};
  }
  if (state_->rooms.size() >= state_->config.max_rooms) {
    return Status{Code::resource_exhausted,
                  fmt::format("the server has its maximum of {} rooms; join one instead",
                              state_->config.max_rooms)};
  }
  state_->rooms.emplace(fold_case(name), Room{.name = std::string(name), .members = {},
                                               .history = {}});
  log::debug("room '{}' created", name);
  return join_room(id, name);
}

Result<RoomInfo> ChatHub::join_room(SessionId id, std::string_view name) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  auto key = fold_case(name);
  if (!state_->rooms.contains(key)) {
    return Status{Code::not_found, fmt::format("no room named '{}'", util::escape(name))};
  }
  if (s->room_key == key) {
    const Room& r = state_->rooms.at(key);
    return RoomInfo{r.name, static_cast<std::uint32_t>(r.members.size())};
  }
  if (state_->rooms.at(key).members.size() >= state_->config.max_room_members) {
    return Status{Code::resource_exhausted,
                  fmt::format("room '{}' is full ({} members)", state_->rooms.at(key).name,
                              state_->config.max_room_members)};
  }
  // Leaving first can only delete the old room, never the one being joined.
  state_->leave_current(*s, "left", false);
  Room& r = state_->rooms.at(key);
  r.members.insert(id);
  s->room_key = key;

  if (!r.history.empty()) {
    s->participant->deliver(make_event(
        HistoryReplay{.room = r.name, .count = static_cast<std::uint32_t>(r.history.size())}));
    for (const RoomMessage& m : r.history) {
      RoomMessage copy = m;
      copy.replay = true;
      s->participant->deliver(make_event(std::move(copy)));
    }
  }
  const auto members = static_cast<std::uint32_t>(r.members.size());
  state_->deliver(r.members, make_event(MemberJoined{.room = r.name,
                                                     .nickname = s->nickname,
                                                     .members = members}));
  return RoomInfo{r.name, members};
}

Result<RoomInfo> ChatHub::leave_room(SessionId id) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  if (s->room_key.empty()) return Status{Code::failed_precondition, "you are in the lobby"};
  state_->leave_current(*s, "left", true);
  return RoomInfo{"", 0};
}

std::vector<RoomInfo> ChatHub::list_rooms() const {
  std::vector<RoomInfo> out;
  out.reserve(state_->rooms.size());
  for (const auto& [key, r] : state_->rooms) {
    out.push_back({r.name, static_cast<std::uint32_t>(r.members.size())});
  }
  // The map is ordered by folded name; the promise is byte order of the shown name.
  std::sort(out.begin(), out.end(),
            [](const RoomInfo& a, const RoomInfo& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<UserInfo>> ChatHub::list_users(std::string_view room) const {
  std::vector<UserInfo> out;
  if (room.empty()) {
    for (const auto& [id, s] : state_->sessions) {
      const std::string in = room_of(id);
      out.push_back(UserInfo{.nickname = s.nickname, .room = in, .online = true, .guest = true,
                             .rooms = in.empty() ? std::vector<std::string>{}
                                                 : std::vector<std::string>{in}});
    }
  } else {
    const auto* r = state_->room(room);
    if (r == nullptr) return Status{Code::not_found, fmt::format("no room named '{}'", util::escape(room))};
    for (SessionId id : r->members) {
      out.push_back(UserInfo{.nickname = state_->sessions.at(id).nickname, .room = r->name,
                             .online = true, .guest = true, .rooms = {r->name}});
    }
  }
  std::sort(out.begin(), out.end(),
            [](const UserInfo& a, const UserInfo& b) { return a.nickname < b.nickname; });
  return out;
}

Result<std::uint64_t> ChatHub::send_room(SessionId id, std::string_view room,
                                         std::string_view text, std::uint64_t client_msg_id) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  if (auto st = check_message(text, state_->config.limits.max_message_bytes); !st.ok()) return st;
  auto* r = state_->room(room);
  if (r == nullptr) return Status{Code::not_found, fmt::format("no room named '{}'", util::escape(room))};
  if (!r->members.contains(id)) {
    return Status{Code::failed_precondition, fmt::format("you are not in room '{}'", r->name)};
  }
  const std::uint64_t message_id = state_->next_message++;
  RoomMessage m{.message_id = message_id,
                .room = r->name,
                .sender = s->nickname,
                .text = std::string(text),
                .replay = false,
                .client_msg_id = client_msg_id,
                .sent_unix_ms = now_unix_ms()};
  state_->deliver(r->members, make_event(m));
  const std::size_t keep = state_->config.limits.history;
  if (keep > 0) {
    r->history.push_back(std::move(m));
    while (r->history.size() > keep) r->history.pop_front();
  }
  return message_id;
}

Result<std::uint64_t> ChatHub::send_direct(SessionId id, std::string_view recipient,
                                           std::string_view text, std::uint64_t client_msg_id) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  if (auto st = check_message(text, state_->config.limits.max_message_bytes); !st.ok()) return st;
  auto* to = state_->session_named(recipient);
  if (to == nullptr) {
    return Status{Code::not_found, fmt::format("no user named '{}' is online", util::escape(recipient))};
  }
  const std::uint64_t message_id = state_->next_message++;
  auto event = make_event(DirectMessage{.message_id = message_id,
                                        .sender = s->nickname,
                                        .recipient = to->nickname,
                                        .text = std::string(text),
                                        .client_msg_id = client_msg_id});
  to->participant->deliver(event);
  if (to != s) s->participant->deliver(event);
  return message_id;
}

Result<std::string> ChatHub::change_nick(SessionId id, std::string_view nickname) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  if (auto st = check_name(nickname, kMaxNicknameChars, "nickname"); !st.ok()) return st;
  auto key = fold_case(nickname);
  if (auto it = state_->by_nick.find(key); it != state_->by_nick.end() && it->second != id) {
    return Status{Code::already_exists, fmt::format("nickname '{}' is already taken", util::escape(nickname))};
  }
  if (s->nickname == nickname) return s->nickname;
  std::string old = std::exchange(s->nickname, std::string(nickname));
  state_->by_nick.erase(fold_case(old));
  state_->by_nick.emplace(std::move(key), id);
  auto event = make_event(NickChanged{.old_nickname = std::move(old),
                                      .new_nickname = s->nickname,
                                      .room = room_of(id)});
  if (s->room_key.empty()) {
    s->participant->deliver(event);
  } else {
    state_->deliver(state_->rooms.at(s->room_key).members, event);
  }
  return s->nickname;
}

void ChatHub::shutdown(std::string_view reason) {
  auto event = make_event(ShutdownNotice{.reason = std::string(reason)});
  for (auto& [id, s] : state_->sessions) s.participant->deliver(event);
}

}  // namespace chatcore::model
