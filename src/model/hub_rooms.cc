// Rooms and memberships: a user is a member of any number of rooms; an identity stays one
// while offline, a guest until it disconnects. A room goes when its last member leaves.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"
#include "util/log.h"

#include <fmt/format.h>

#include <algorithm>

namespace chatcore::model {

namespace {
constexpr std::size_t kMaxRoomNameChars = 64;

Status no_room(std::string_view name) {
  return Status{Code::not_found, fmt::format("no room named '{}'", util::escape(name))};
}
}  // namespace

Room* ChatHub::State::room(std::string_view name) {
  auto it = rooms.find(fold_case(name));
  return it == rooms.end() ? nullptr : &it->second;
}
const Room* ChatHub::State::room(std::string_view name) const {
  return const_cast<State*>(this)->room(name);
}

std::set<std::string>& ChatHub::State::rooms_of(Session& s) {
  if (auto* identity = identity_of(s)) return identity->rooms;
  return s.guest_rooms;
}
const std::set<std::string>& ChatHub::State::rooms_of(const Session& s) const {
  return const_cast<State*>(this)->rooms_of(const_cast<Session&>(s));
}

void ChatHub::State::leave(Session& s, const std::string& key, std::string_view reason,
                           bool tell_self) {
  rooms_of(s).erase(key);
  auto it = rooms.find(key);
  if (it == rooms.end()) return;
  Room& r = it->second;
  if (store != nullptr && s.identity != 0) {
    store->remove_member(s.identity, r.name, logged<bool>("leaving room " + r.name));
  }
  r.online.erase(s.id);
  r.guests.erase(s.id);
  r.identities.erase(s.identity);
  if (!r.online.empty() || tell_self) {
    auto event = make_event(MemberLeft{.room = r.name,
                                       .nickname = s.nickname,
                                       .members = r.members(),
                                       .reason = std::string(reason)});
    deliver(r.online, event);
    if (tell_self) s.participant->deliver(event);
  }
  // Offline identities still count: a room only they are in keeps its history.
  if (r.members() == 0) {
    log::debug("room '{}' deleted: its last member left", r.name);
    if (store != nullptr) store->delete_room(r.name, logged<bool>("deleting room " + r.name));
    rooms.erase(it);
  }
  if (s.identity == 0) presence_changed(s);
}

void ChatHub::State::go_online(Session& s) {
  // Online on another node of the cluster already: its rooms saw it come.
  const auto* identity = identity_of(s);
  const bool seen = identity != nullptr && !identity->elsewhere.empty();
  for (const auto& key : rooms_of(s)) {
    Room& r = rooms.at(key);
    r.online.insert(s.id);
    if (seen) continue;
    deliver(r.online, make_event(MemberJoined{.room = r.name, .nickname = s.nickname,
                                              .members = r.members()}));
  }
}

void ChatHub::State::replay_history(const Session& s, const Room& r) const {
  if (r.history.empty()) return;
  s.client->deliver(make_event(
      HistoryReplay{.room = r.name, .count = static_cast<std::uint32_t>(r.history.size())}));
  for (RoomMessage m : r.history) {
    m.replay = true;
    s.client->deliver(make_event(std::move(m)));
  }
}

std::uint32_t ChatHub::State::resume_room(const Session& s, const Room& r,
                                          const RoomPosition& position) const {
  const std::uint64_t first_kept = r.history.empty() ? r.last_id + 1
                                                     : r.history.front().message_id;
  const bool same_life = position.epoch == r.epoch;
  // Past last_id: ids the client saw were lost and are given again (see start_replay).
  const bool ahead = same_life && position.last_id > r.last_id;
  const std::uint64_t after = !same_life ? 0 : ahead ? r.last_id : position.last_id;
  if (!same_life || ahead || after + 1 < first_kept) {
    s.client->deliver(
        make_event(HistoryGap{.room = r.name, .epoch = r.epoch,
                              .first_id = ahead ? r.last_id + 1 : first_kept}));
  }
  std::uint32_t sent = 0;
  for (const RoomMessage& kept : r.history) {
    if (kept.message_id <= after) continue;
    RoomMessage m = kept;
    m.missed = true;
    s.client->deliver(make_event(std::move(m)));
    ++sent;
  }
  return sent;
}

void ChatHub::State::go_offline(Session& s, std::string_view reason) {
  // Still online on another node of the cluster: nobody sees it go.
  const auto* identity = identity_of(s);
  const bool stays = identity != nullptr && !identity->elsewhere.empty();
  for (const auto& key : rooms_of(s)) {
    Room& r = rooms.at(key);
    r.online.erase(s.id);
    if (r.online.empty() || stays) continue;
    deliver(r.online, make_event(MemberLeft{.room = r.name, .nickname = s.nickname,
                                            .members = r.members(),
                                            .reason = std::string(reason)}));
  }
}

std::string ChatHub::room_of(SessionId id) const {
  const auto* s = state_->session(id);
  if (s == nullptr) return {};
  const auto names = rooms_of(id);
  return names.empty() ? std::string() : names.front();
}

std::vector<std::string> ChatHub::rooms_of(SessionId id) const {
  std::vector<std::string> out;
  const auto* s = state_->session(id);
  if (s == nullptr) return out;
  for (const auto& key : state_->rooms_of(*s)) out.push_back(state_->rooms.at(key).name);
  std::sort(out.begin(), out.end());
  return out;
}

void ChatHub::create_room(SessionId id, std::string_view name, Reply<RoomInfo> done) {
  State& st = *state_;
  if (st.session(id) == nullptr) return done(unknown_session());
  if (auto bad = check_name(name, kMaxRoomNameChars, "room name"); !bad.ok()) return done(bad);
  auto key = fold_case(name);
  if (const auto* r = st.room(name); r != nullptr || st.pending_rooms.contains(key)) {
    return done(Status{Code::already_exists,
                       fmt::format("room '{}' already exists",
                                   util::escape(r != nullptr ? r->name : name))});
  }
  if (st.rooms.size() + st.pending_rooms.size() >= st.config.max_rooms) {
    return done(Status{Code::resource_exhausted,
                       fmt::format("the server has its maximum of {} rooms; join one instead",
                                   st.config.max_rooms)});
  }
  const auto open = [this, id, key](const std::string& canonical, std::uint64_t epoch) {
    Room& r = state_->rooms[key];
    r.name = canonical;
    r.epoch = epoch;
    log::debug("room '{}' created", util::escape(canonical));
    auto joined = join_room(id, canonical);
    if (joined.ok()) state_->set_creator(r, identity(id));
    // The creator's session ended while the store created the room: nobody is in it.
    if (!joined.ok()) {
      if (state_->store != nullptr) {
        state_->store->delete_room(canonical, state_->logged<bool>("deleting room " + canonical));
      }
      state_->forget_room(key, r);
      state_->rooms.erase(key);
    }
    return joined;
  };
  if (st.store == nullptr) return done(open(std::string(name), st.next_epoch++));
  st.pending_rooms.insert(key);
  st.store->create_room(std::string(name), now_unix_ms(),
                        [this, key, open, done = std::move(done)](Result<store::StoredRoom> r) {
                          state_->pending_rooms.erase(key);
                          auto waiting = std::move(state_->waiting_joins[key]);
                          state_->waiting_joins.erase(key);
                          if (!r.ok()) {
                            done(r.status());
                          } else {
                            done(open(r->name, r->epoch));
                          }
                          // After the creator, so the room exists (or is known to be gone).
                          for (auto& [sid, join] : waiting) {
                            join(join_room(sid, r.ok() ? r->name : std::string(key)));
                          }
                        });
}

void ChatHub::join_room(SessionId id, std::string_view name, Reply<RoomInfo> done) {
  State& st = *state_;
  if (st.session(id) == nullptr) return done(unknown_session());
  auto key = fold_case(name);
  if (st.room(name) == nullptr && st.pending_rooms.contains(key)) {
    st.waiting_joins[key].emplace_back(id, std::move(done));
    return;
  }
  done(join_room(id, name));
}

Result<RoomInfo> ChatHub::create_room(SessionId id, std::string_view name) {
  if (state_->store != nullptr) return Status{Code::internal, "the store answers later"};
  Result<RoomInfo> out = Status{Code::internal, "not created"};
  create_room(id, name, [&out](Result<RoomInfo> r) { out = std::move(r); });
  return out;
}

Result<RoomInfo> ChatHub::join_room(SessionId id, std::string_view name) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  auto key = fold_case(name);
  auto it = state_->rooms.find(key);
  if (it == state_->rooms.end()) return no_room(name);
  Room& r = it->second;
  auto& mine = state_->rooms_of(*s);
  if (mine.contains(key)) return r.info();
  if (auto banned = state_->check_ban(s->identity, key); !banned.ok()) return banned;
  if (r.members() >= state_->config.max_room_members) {
    return Status{Code::resource_exhausted,
                  fmt::format("room '{}' is full ({} members)", r.name,
                              state_->config.max_room_members)};
  }
  mine.insert(key);
  if (s->identity != 0) {
    r.identities.insert(s->identity);
    if (state_->store != nullptr) {
      state_->store->add_member(store::StoredMember{.identity = s->identity, .room = r.name,
                                                    .joined_ms = now_unix_ms()},
                                state_->logged<bool>("joining room " + r.name));
    }
  } else {
    r.guests.insert(id);
  }
  r.online.insert(id);
  if (s->identity == 0) state_->presence_changed(*s);

  state_->replay_history(*s, r);
  state_->deliver(r.online, make_event(MemberJoined{.room = r.name,
                                                    .nickname = s->nickname,
                                                    .members = r.members()}));
  return r.info();
}

Result<RoomInfo> ChatHub::leave_room(SessionId id, std::string_view room) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  const auto& mine = state_->rooms_of(*s);
  std::string key;
  if (room.empty()) {
    if (mine.empty()) return Status{Code::failed_precondition, "you are in no room"};
    if (mine.size() > 1) {
      return Status{Code::invalid_argument,
                    fmt::format("you are in {} rooms; name the one to leave", mine.size())};
    }
    key = *mine.begin();
  } else {
    key = fold_case(room);
    if (!state_->rooms.contains(key)) return no_room(room);
    if (!mine.contains(key)) {
      return Status{Code::failed_precondition,
                    fmt::format("you are not in room '{}'", state_->rooms.at(key).name)};
    }
  }
  RoomInfo after = state_->rooms.at(key).info();
  state_->leave(*s, key, "left", true);
  if (const auto* r = state_->room(key)) {
    after = r->info();
  } else {
    after.members = after.online = 0;
  }
  return after;
}

std::vector<RoomInfo> ChatHub::list_rooms() const {
  std::vector<RoomInfo> out;
  out.reserve(state_->rooms.size());
  for (const auto& [key, r] : state_->rooms) out.push_back(r.info());
  // The map is ordered by folded name; the promise is byte order of the shown name.
  std::sort(out.begin(), out.end(),
            [](const RoomInfo& a, const RoomInfo& b) { return a.name < b.name; });
  return out;
}

Result<std::vector<UserInfo>> ChatHub::list_users(std::string_view room) const {
  std::vector<UserInfo> out;
  const auto user = [this](const std::string& nickname, const std::set<std::string>& keys,
                           const Session* s, const Identity* identity) {
    return state_->user_info(nickname, keys, s, identity);
  };
  if (room.empty()) {
    for (const auto& [id, s] : state_->sessions) {
      out.push_back(user(s.nickname, state_->rooms_of(s), &s, state_->identity_of(s)));
    }
  } else {
    const auto* r = state_->room(room);
    if (r == nullptr) return no_room(room);
    for (IdentityId iid : r->identities) {
      const Identity& i = state_->identities.at(iid);
      out.push_back(user(i.nickname, i.rooms, state_->session(i.session), &i));
      out.back().room_operator = iid == r->creator;
    }
    for (SessionId sid : r->guests) {
      const Session& s = state_->sessions.at(sid);
      out.push_back(user(s.nickname, s.guest_rooms, &s, nullptr));
    }
  }
  const auto key = fold_case(room);
  state_->list_remote(out, room.empty() ? nullptr : &key);
  std::sort(out.begin(), out.end(),
            [](const UserInfo& a, const UserInfo& b) { return a.nickname < b.nickname; });
  return out;
}

Result<ChatHub::HistoryPage> ChatHub::history(SessionId id, std::string_view room,
                                              std::uint64_t before_id, std::size_t limit) const {
  const auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  const auto key = fold_case(room);
  const auto* r = state_->room(room);
  if (r == nullptr) return no_room(room);
  if (!state_->rooms_of(*s).contains(key)) {
    return Status{Code::failed_precondition, fmt::format("you are not in room '{}'", r->name)};
  }
  HistoryPage page{.messages = {}, .epoch = r->epoch, .more = false};
  // Ids ascend through the deque: the page is the `limit` newest below before_id.
  auto end = r->history.end();
  if (before_id != 0) {
    end = std::lower_bound(r->history.begin(), r->history.end(), before_id,
                           [](const RoomMessage& m, std::uint64_t v) { return m.message_id < v; });
  }
  const auto available = static_cast<std::size_t>(end - r->history.begin());
  const std::size_t take = std::min(available, limit);
  for (auto it = end - static_cast<std::ptrdiff_t>(take); it != end; ++it) {
    RoomMessage m = *it;
    m.replay = true;
    page.messages.push_back(std::move(m));
  }
  page.more = take < available;
  return page;
}

}  // namespace chatcore::model

namespace chatcore::model {

void ChatHub::history(SessionId id, std::string_view room, std::uint64_t before_id,
                      std::size_t limit, Reply<HistoryPage> done) const {
  if (state_->store == nullptr) return done(history(id, room, before_id, limit));
  // Checked on the hub's own (membership); the page itself comes from the store.
  auto checked = history(id, room, before_id, 0);
  if (!checked.ok()) return done(checked.status());
  const auto* r = state_->room(room);
  state_->store->history(
      r->name, before_id, limit + 1,
      [limit, epoch = r->epoch, done = std::move(done)](Result<std::vector<store::StoredMessage>> got) {
        if (!got.ok()) return done(got.status());
        HistoryPage page{.messages = {}, .epoch = epoch, .more = got->size() > limit};
        // One more than asked for says whether older ones exist; it is the oldest.
        const std::size_t skip = page.more ? got->size() - limit : 0;
        for (std::size_t i = skip; i < got->size(); ++i) {
          const auto& m = (*got)[i];
          page.messages.push_back(room_message_of(m, m.room, true, false));
        }
        done(std::move(page));
      });
}

}  // namespace chatcore::model
