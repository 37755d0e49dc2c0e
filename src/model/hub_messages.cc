// Room messages and direct messages: checked at once, then (with a store) committed, and only
// then numbered, fanned out as one shared event and acknowledged.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"

#include <fmt/format.h>

namespace chatcore::model {

namespace {

// The Result form of an operation whose completion runs at once without a store.
template <class Start>
Result<std::uint64_t> at_once(bool has_store, Start start) {
  if (has_store) return Status{Code::internal, "the store answers later"};
  Result<std::uint64_t> out = Status{Code::internal, "not sent"};
  start([&out](Result<std::uint64_t> r) { out = std::move(r); });
  return out;
}

}  // namespace

void ChatHub::send_room(SessionId id, std::string_view room, std::string_view text,
                        std::uint64_t client_msg_id, Reply<std::uint64_t> done,
                        MessageKind kind) {
  State& st = *state_;
  auto* s = st.session(id);
  if (s == nullptr) return done(unknown_session());
  if (auto bad = check_message(text, st.config.limits.max_message_bytes); !bad.ok()) {
    return done(bad);
  }
  auto* r = st.room(room);
  if (r == nullptr) {
    return done(Status{Code::not_found, fmt::format("no room named '{}'", util::escape(room))});
  }
  if (!r->online.contains(id)) {
    return done(Status{Code::failed_precondition,
                       fmt::format("you are not in room '{}'", r->name)});
  }
  if (auto muted = st.check_mute(*s, fold_case(room)); !muted.ok()) return done(muted);
  RoomMessage m{.message_id = 0,
                .room = r->name,
                .sender = s->nickname,
                .text = std::string(text),
                .replay = false,
                .client_msg_id = client_msg_id,
                .sent_unix_ms = now_unix_ms(),
                .room_epoch = r->epoch,
                .missed = false,
                .kind = kind};
  if (st.store == nullptr) {
    m.message_id = ++r->last_id;
    st.publish(*r, std::move(m));
    return done(r->last_id);
  }
  store::StoredMessage stored{.room = r->name, .epoch = 0, .id = 0, .from = m.sender,
                              .text = m.text, .sent_ms = m.sent_unix_ms,
                              .client_msg_id = client_msg_id, .kind = kind};
  st.store->append(std::move(stored), [this, m = std::move(m),
                                       done = std::move(done)](Result<store::StoredMessage> c) mutable {
    if (!c.ok()) return done(c.status());
    // Completions come in commit order, so fan-out order is id order. A room deleted (and
    // perhaps created again) meanwhile has nobody to tell of this epoch's message.
    if (auto* now = state_->room(m.room); now != nullptr && now->epoch == c->epoch) {
      now->last_id = c->id;
      m.message_id = c->id;
      m.room_epoch = c->epoch;
      state_->publish(*now, std::move(m));
    }
    done(c->id);
  });
}

Result<std::uint64_t> ChatHub::send_room(SessionId id, std::string_view room,
                                         std::string_view text, std::uint64_t client_msg_id,
                                         MessageKind kind) {
  return at_once(state_->store != nullptr, [&](Reply<std::uint64_t> r) {
    send_room(id, room, text, client_msg_id, r, kind);
  });
}

void ChatHub::send_direct(SessionId id, std::string_view recipient, std::string_view text,
                          std::uint64_t client_msg_id, Reply<std::uint64_t> done,
                          MessageKind kind) {
  State& st = *state_;
  auto* s = st.session(id);
  if (s == nullptr) return done(unknown_session());
  if (auto bad = check_message(text, st.config.limits.max_message_bytes); !bad.ok()) {
    return done(bad);
  }
  if (auto muted = st.check_mute(*s, {}); !muted.ok()) return done(muted);
  auto* to = st.session_named(recipient);
  std::string remote_guest;
  Identity* owner = to != nullptr ? st.identity_of(*to) : nullptr;
  if (to == nullptr) {
    if (auto it = st.owners.find(fold_case(recipient)); it != st.owners.end()) {
      owner = &st.identities.at(it->second);
    }
    // A guest on another node of the cluster: addressed by nickname through the log, which
    // its node hands to its session.
    if (const auto* remote = st.remote_named(recipient);
        owner == nullptr && remote != nullptr && remote->record.identity == 0) {
      remote_guest = remote->record.nickname;
    }
    if (owner == nullptr && remote_guest.empty()) {
      return done(
          Status{Code::not_found, fmt::format("no user named '{}'", util::escape(recipient))});
    }
  }
  DirectMessage dm{.message_id = 0,
                   .sender = s->nickname,
                   .recipient = to != nullptr      ? to->nickname
                                : owner != nullptr ? owner->nickname
                                                   : remote_guest,
                   .text = std::string(text),
                   .client_msg_id = client_msg_id,
                   .sent_unix_ms = now_unix_ms(),
                   .missed = false,
                   .kind = kind};
  // The recipient by identity when it has one (it may reconnect meanwhile), else its session.
  const IdentityId to_identity = owner != nullptr ? owner->id : 0;
  const SessionId to_session = to_identity == 0 && to != nullptr ? to->id : 0;
  if (st.store == nullptr) {
    dm.message_id = st.next_direct++;
    const auto message_id = dm.message_id;
    st.deliver_direct(id, to_identity, to_session, std::move(dm));
    return done(message_id);
  }
  store::StoredDirect stored{.id = 0, .from_identity = s->identity, .from = dm.sender,
                             .to_identity = to_identity, .to = dm.recipient, .text = dm.text,
                             .sent_ms = dm.sent_unix_ms, .client_msg_id = client_msg_id,
                             .kind = kind};
  st.store->append_direct(std::move(stored),
                          [this, id, to_identity, to_session, dm = std::move(dm),
                           done = std::move(done)](Result<store::StoredDirect> c) mutable {
                            if (!c.ok()) return done(c.status());
                            dm.message_id = c->id;
                            state_->next_direct = std::max(state_->next_direct, c->id + 1);
                            state_->deliver_direct(id, to_identity, to_session, std::move(dm));
                            done(c->id);
                          });
}

Result<std::uint64_t> ChatHub::send_direct(SessionId id, std::string_view recipient,
                                           std::string_view text, std::uint64_t client_msg_id,
                                           MessageKind kind) {
  return at_once(state_->store != nullptr, [&](Reply<std::uint64_t> r) {
    send_direct(id, recipient, text, client_msg_id, r, kind);
  });
}

void ChatHub::State::publish(Room& r, RoomMessage m) {
  deliver(r.online, make_event(m));
  const std::size_t keep = config.limits.history;
  if (keep == 0) return;
  r.history.push_back(std::move(m));
  while (r.history.size() > keep) r.history.pop_front();
}

void ChatHub::State::deliver_direct(SessionId from, IdentityId to_identity, SessionId to_session,
                                    DirectMessage dm) {
  Session* to = nullptr;
  Identity* owner = nullptr;
  if (to_identity != 0) {
    auto it = identities.find(to_identity);
    if (it != identities.end()) {
      owner = &it->second;
      to = session(owner->session);
    }
  } else {
    to = session(to_session);
  }
  Session* sender = session(from);
  if (to == nullptr && owner != nullptr && store == nullptr) {
    // Kept in memory until the owner connects again (with a store, it is read back from there).
    if (sender != nullptr) sender->participant->deliver(make_event(dm));
    dm.missed = true;
    owner->waiting.push_back(std::move(dm));
    return;
  }
  auto event = make_event(std::move(dm));
  if (to != nullptr) to->participant->deliver(event);
  if (sender != nullptr && sender != to) sender->participant->deliver(event);
  if (to != nullptr && sender != nullptr && sender != to) tell_away(sender, *to);
}

}  // namespace chatcore::model
