// The moderation actions: an operator kicks, bans, unbans, mutes or unmutes someone, or sets
// the MOTD. A ban or mute is committed before anyone sees it, so what was shown holds after
// a restart; the room, the target and the operator see Moderated, and the log keeps it.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"
#include "util/log.h"

#include <fmt/format.h>

namespace chatcore::model {

namespace {
// As long as a topic: a sentence and a link.
constexpr std::size_t kMaxReasonBytes = 390;
// A duration past this is refused rather than overflowing the end time: ten years.
constexpr std::uint64_t kMaxDurationS = 10ull * 366 * 24 * 3600;

const char* verb(ModerationAction a) {
  switch (a) {
    case ModerationAction::kick: return "kick";
    case ModerationAction::ban: return "ban";
    case ModerationAction::unban: return "unban";
    case ModerationAction::mute: return "mute";
    case ModerationAction::unmute: return "unmute";
    case ModerationAction::motd: return "set the MOTD";
    case ModerationAction::topic_lock: return "lock the topic";
    case ModerationAction::topic_unlock: return "unlock the topic";
  }
  return "moderate";
}

Status denied(std::string message) { return Status{Code::permission_denied, std::move(message)}; }
}  // namespace

void ChatHub::State::announce(const Moderated& m, const std::string& key,
                              IdentityId target_identity, SessionId target_session,
                              SessionId actor) {
  std::set<SessionId> audience{actor};
  if (target_session != 0) audience.insert(target_session);
  const auto add_room = [&](const std::string& k) {
    if (auto it = rooms.find(k); it != rooms.end()) {
      audience.insert(it->second.online.begin(), it->second.online.end());
    }
  };
  if (!key.empty()) {
    add_room(key);
  } else if (auto it = identities.find(target_identity); it != identities.end()) {
    for (const auto& k : it->second.rooms) add_room(k);
  } else if (const auto* s = session(target_session)) {
    for (const auto& k : s->guest_rooms) add_room(k);
  }
  auto event = std::make_shared<Event>();
  event->time_unix_ms = now_unix_ms();
  event->moderation = m;
  deliver(audience, event);
  log::info("moderation: {} {} {}{}{}: {}", util::escape(m.by), verb(m.action),
            util::escape(m.nickname), m.room.empty() ? "" : " in ", util::escape(m.room),
            util::escape(m.reason));
}

void ChatHub::State::end_membership(IdentityId identity, SessionId session_id,
                                    const std::string& key, const std::string& reason) {
  auto* s = session(session_id);
  if (s != nullptr) return leave(*s, key, reason, true);
  auto it = identities.find(identity);
  auto room_it = rooms.find(key);
  if (it == identities.end() || room_it == rooms.end()) return;
  // Offline: no session to tell; the membership goes as leave() would take it.
  it->second.rooms.erase(key);
  Room& r = room_it->second;
  r.identities.erase(identity);
  if (store != nullptr) store->remove_member(identity, r.name, logged<bool>("kick from " + r.name));
  deliver(r.online, make_event(MemberLeft{.room = r.name, .nickname = it->second.nickname,
                                          .members = r.members(), .reason = reason}));
  if (r.members() == 0) {
    if (store != nullptr) store->delete_room(r.name, logged<bool>("deleting room " + r.name));
    rooms.erase(room_it);
  }
}

void ChatHub::moderate(SessionId id, const ModerationRequest& in, Reply<std::int64_t> done) {
  State& st = *state_;
  auto* s = st.session(id);
  if (s == nullptr) return done(unknown_session());
  const bool server_op = st.is_server_operator(*s);
  const bool motd = in.action == ModerationAction::motd;
  if (auto bad = check_line(in.reason, kMaxReasonBytes, motd ? "MOTD" : "reason"); !bad.ok()) {
    return done(bad);
  }
  if (motd) {
    if (!server_op) return done(denied("only a server operator may set the MOTD"));
    auto apply = [this, id, text = in.reason, done](Result<bool> r) {
      if (!r.ok()) return done(r.status());
      state_->motd = text;
      std::vector<SessionId> everyone;
      for (const auto& [sid, _] : state_->sessions) everyone.push_back(sid);
      auto event = std::make_shared<Event>();
      event->time_unix_ms = now_unix_ms();
      event->moderation = Moderated{.action = ModerationAction::motd, .by = nickname(id),
                                    .reason = text};
      state_->deliver(everyone, event);
      log::info("moderation: {} set the MOTD: {}", util::escape(nickname(id)), util::escape(text));
      done(std::int64_t{0});
    };
    if (st.store == nullptr) return apply(true);
    return st.store->set_motd(in.reason, std::move(apply));
  }
  const bool topic_lock = in.action == ModerationAction::topic_lock ||
                          in.action == ModerationAction::topic_unlock;
  if (topic_lock && in.room.empty()) {
    return done(Status{Code::invalid_argument, "name the room whose topic to lock or unlock"});
  }
  const std::string key = fold_case(in.room);
  Room* r = in.room.empty() ? nullptr : st.room(in.room);
  if (!in.room.empty() && r == nullptr && !server_op) {
    return done(Status{Code::not_found, fmt::format("no room named '{}'", util::escape(in.room))});
  }
  const std::string where = r != nullptr ? r->name : std::string(in.room);
  if (in.room.empty() && !server_op) {
    return done(denied(fmt::format("only a server operator may {} server-wide; name a room you "
                                   "created", verb(in.action))));
  }
  if (!server_op && (s->identity == 0 || r->creator != s->identity)) {
    return done(denied(fmt::format("only the creator of room '{}' or a server operator may {} "
                                   "there", util::escape(where), verb(in.action))));
  }
  if (topic_lock) {
    if (r == nullptr) {
      return done(Status{Code::not_found, fmt::format("no room named '{}'", util::escape(in.room))});
    }
    return st.lock_topic(id, *r, in.action == ModerationAction::topic_lock, std::move(done));
  }
  if (in.nickname.empty()) return done(Status{Code::invalid_argument, "name the nickname"});
  Session* ts = st.session_named(in.nickname);
  Identity* ti = ts != nullptr ? st.identity_of(*ts) : nullptr;
  if (ts == nullptr) {
    if (auto it = st.owners.find(fold_case(in.nickname)); it != st.owners.end()) {
      ti = &st.identities.at(it->second);
    }
  }
  if (ts == nullptr && ti == nullptr) {
    return done(Status{Code::not_found,
                       fmt::format("no user named '{}'", util::escape(in.nickname))});
  }
  if (ts == s || (ti != nullptr && ti->id == s->identity)) {
    return done(Status{Code::invalid_argument, fmt::format("you cannot {} yourself", verb(in.action))});
  }
  if (ti != nullptr && !server_op && st.is_server_operator(*ti)) {
    return done(denied(fmt::format("'{}' is a server operator", util::escape(in.nickname))));
  }
  const std::string target = ts != nullptr ? ts->nickname : ti->nickname;
  const IdentityId tid = ti != nullptr ? ti->id : 0;
  const SessionId tsid = ts != nullptr ? ts->id : 0;
  Moderated m{.action = in.action, .room = where, .nickname = target, .by = s->nickname,
              .reason = in.reason};
  const std::string why = fmt::format("{} by {}{}{}",
                                      in.action == ModerationAction::kick ? "kicked" : "banned",
                                      s->nickname, in.reason.empty() ? "" : ": ", in.reason);
  if (in.action == ModerationAction::kick) {
    // A kick from a room that is gone is nothing, never a kick from the server.
    if (!in.room.empty() && r == nullptr) {
      return done(Status{Code::not_found, fmt::format("no room named '{}'", util::escape(in.room))});
    }
    if (r != nullptr) {
      const auto& theirs = ts != nullptr ? st.rooms_of(*ts) : ti->rooms;
      if (!theirs.contains(key)) {
        return done(Status{Code::failed_precondition,
                           fmt::format("'{}' is not in room '{}'", target, where)});
      }
      st.announce(m, key, tid, tsid, id);
      st.end_membership(tid, tsid, key, why);
    } else {
      if (ts == nullptr) {
        return done(Status{Code::failed_precondition, fmt::format("'{}' is not online", target)});
      }
      st.announce(m, key, tid, tsid, id);
      ts->client->deliver(make_event(ShutdownNotice{.reason = why}));
      ts->client->replaced();
      disconnect(tsid, why);
    }
    return done(std::int64_t{0});
  }
  if (ti == nullptr) {
    return done(Status{Code::failed_precondition,
                       fmt::format("'{}' is a guest: guests have no identity to hold a ban or "
                                   "mute; kick them instead", target)});
  }
  const bool ban = in.action == ModerationAction::ban || in.action == ModerationAction::unban;
  const bool lift = in.action == ModerationAction::unban || in.action == ModerationAction::unmute;
  const auto kind = ban ? store::SanctionKind::ban : store::SanctionKind::mute;
  const State::SanctionKey skey{kind, tid, key};
  if (lift && !st.sanctions.contains(skey)) {
    return done(Status{Code::failed_precondition,
                       fmt::format("'{}' is not {} {}", target, ban ? "banned" : "muted",
                                   where.empty() ? "on this server" : "in room '" + where + "'")});
  }
  if (in.duration_s > kMaxDurationS) {
    return done(Status{Code::invalid_argument, "a ban or mute lasts ten years at most"});
  }
  m.until_unix_ms = lift || in.duration_s == 0
                        ? 0
                        : now_unix_ms() + static_cast<std::int64_t>(in.duration_s) * 1000;
  auto apply = [this, id, m, key, skey, lift, ban, tid, tsid, why, done](Result<bool> r) {
    if (!r.ok()) return done(r.status());
    State& st = *state_;
    if (lift) {
      st.sanctions.erase(skey);
    } else {
      st.sanctions[skey] = Sanction{.until_ms = m.until_unix_ms, .reason = m.reason,
                                           .by = m.by};
    }
    // The target's session may have ended while the store wrote.
    const SessionId live = st.session(tsid) != nullptr ? tsid : 0;
    st.announce(m, key, tid, live, id);
    if (ban && !lift) {
      if (!key.empty()) {
        auto identity = st.identities.find(tid);
        if (identity != st.identities.end() && identity->second.rooms.contains(key)) {
          st.end_membership(tid, live, key, why);
        }
      } else if (auto* target = st.session(live)) {
        target->client->deliver(make_event(ShutdownNotice{.reason = why}));
        target->client->replaced();
        disconnect(live, why);
      }
    }
    done(m.until_unix_ms);
  };
  if (st.store == nullptr) return apply(true);
  if (lift) return st.store->remove_sanction(kind, tid, key, std::move(apply));
  st.store->put_sanction(store::StoredSanction{.kind = kind, .identity = tid, .room = key,
                                               .until_ms = m.until_unix_ms, .reason = m.reason,
                                               .by = m.by},
                         std::move(apply));
}

Result<std::int64_t> ChatHub::moderate(SessionId id, const ModerationRequest& request) {
  if (state_->store != nullptr) return Status{Code::internal, "the store answers later"};
  Result<std::int64_t> out = Status{Code::internal, "not done"};
  moderate(id, request, [&out](Result<std::int64_t> r) { out = std::move(r); });
  return out;
}

}  // namespace chatcore::model
