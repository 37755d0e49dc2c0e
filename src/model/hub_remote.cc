// Changes another cluster node committed to the shared log: the hub takes each into its memory
// and tells its own sessions what they would have seen had the change been made here. Nothing
// is written back: the store applied the change before handing it over.
#include "model/hub.h"

#include "model/hub_state.h"
#include "util/escape.h"
#include "util/log.h"

#include <algorithm>

namespace chatcore::model {

void ChatHub::remote_identity(const store::StoredIdentity& stored) {
  State& st = *state_;
  const auto key = fold_case(stored.nickname);
  Identity& i = st.identities[stored.id];
  if (i.id != 0 && fold_case(i.nickname) != key) {
    // Renamed on its node: the old nickname is free here too.
    if (auto it = st.owners.find(fold_case(i.nickname)); it != st.owners.end() && it->second == i.id) {
      st.owners.erase(it);
    }
  }
  i.id = stored.id;
  i.secret_hash = stored.secret_hash;
  i.nickname = stored.nickname;
  i.last_seen_ms = std::max(i.last_seen_ms, stored.last_seen_ms);
  st.by_secret[i.secret_hash] = i.id;
  st.owners[key] = i.id;
  st.next_identity = std::max(st.next_identity, i.id + 1);
  // Its sessions on other nodes that were announced before the log brought it here.
  for (const auto& [key, r] : st.remote) {
    if (r.record.identity == i.id) st.attach_identity(key, r);
  }
  // A guest here cannot be told apart from a rival: the log decided, and it keeps the name
  // only until it disconnects (guests are not shared between nodes).
  if (auto it = st.by_nick.find(key); it != st.by_nick.end()) {
    if (const auto* s = st.session(it->second); s != nullptr && s->identity == 0) {
      log::info("nickname {} was claimed by an identity on another node while a guest here uses it",
                util::escape(stored.nickname));
    }
  }
}

void ChatHub::remote_identity_deleted(IdentityId id) {
  State& st = *state_;
  auto it = st.identities.find(id);
  if (it == st.identities.end() || it->second.session != 0) return;
  for (const auto& key : it->second.rooms) {
    if (auto room = st.rooms.find(key); room != st.rooms.end()) room->second.identities.erase(id);
  }
  if (auto owner = st.owners.find(fold_case(it->second.nickname));
      owner != st.owners.end() && owner->second == id) {
    st.owners.erase(owner);
  }
  st.by_secret.erase(it->second.secret_hash);
  st.identities.erase(it);
}

void ChatHub::remote_room_created(const store::StoredRoom& stored) {
  State& st = *state_;
  const auto key = fold_case(stored.name);
  auto it = st.rooms.find(key);
  // Another life of the name than the one this hub holds: that one is over.
  if (it != st.rooms.end() && it->second.epoch != stored.epoch) {
    remote_room_deleted(it->second.name);
    it = st.rooms.end();
  }
  if (it != st.rooms.end()) return;
  Room& r = st.rooms[key];
  r.name = stored.name;
  r.epoch = stored.epoch;
  r.last_id = stored.last_id;
  r.topic = stored.topic;
  r.topic_by = stored.topic_by;
  r.topic_ms = stored.topic_ms;
  // Guests of other nodes whose presence named the room before the log brought it here.
  for (auto& [remote_key, remote] : st.remote) {
    if (remote.record.identity != 0) continue;
    for (const auto& name : remote.record.rooms) {
      if (fold_case(name) != key) continue;
      remote.room_keys.insert(key);
      r.remote_guests.insert(remote_key);
    }
  }
}

void ChatHub::remote_topic(const store::StoredRoom& stored) {
  State& st = *state_;
  auto* r = st.room(stored.name);
  if (r == nullptr || r->epoch != stored.epoch) return;
  r->topic = stored.topic;
  r->topic_by = stored.topic.empty() ? std::string() : stored.topic_by;
  r->topic_ms = stored.topic.empty() ? 0 : stored.topic_ms;
  st.deliver(r->online, make_notice(TopicChanged{.room = r->name, .topic = r->topic,
                                                 .by = r->topic_by}));
}

void ChatHub::remote_room_deleted(std::string_view name, std::uint64_t epoch) {
  State& st = *state_;
  auto it = st.rooms.find(fold_case(name));
  if (it == st.rooms.end() || (epoch != 0 && it->second.epoch != epoch)) return;
  Room& r = it->second;
  // Members here (guests, whom the other node could not count) are told they are out of it.
  for (SessionId sid : r.online) {
    auto* s = st.session(sid);
    if (s == nullptr) continue;
    st.rooms_of(*s).erase(it->first);
    s->participant->deliver(make_event(MemberLeft{.room = r.name, .nickname = s->nickname,
                                                  .members = 0,
                                                  .reason = "the room was deleted"}));
  }
  st.forget_room(it->first, r);
  for (IdentityId iid : r.identities) {
    if (auto identity = st.identities.find(iid); identity != st.identities.end()) {
      identity->second.rooms.erase(it->first);
    }
  }
  st.rooms.erase(it);
}

void ChatHub::remote_member(const store::StoredMember& member, bool joined) {
  State& st = *state_;
  const auto key = fold_case(member.room);
  auto room = st.rooms.find(key);
  auto identity = st.identities.find(member.identity);
  if (room == st.rooms.end() || identity == st.identities.end()) return;
  Room& r = room->second;
  Identity& i = identity->second;
  if (joined == r.identities.contains(i.id)) return;
  if (joined) {
    r.identities.insert(i.id);
    i.rooms.insert(key);
    if (i.session != 0) r.online.insert(i.session);
    if (!i.elsewhere.empty()) r.elsewhere.insert(i.id);
    st.deliver(r.online, make_event(MemberJoined{.room = r.name, .nickname = i.nickname,
                                                 .members = r.members()}));
    return;
  }
  auto event = make_event(MemberLeft{.room = r.name, .nickname = i.nickname,
                                     .members = static_cast<std::uint32_t>(r.members() - 1),
                                     .reason = "left"});
  st.deliver(r.online, event);
  r.identities.erase(i.id);
  i.rooms.erase(key);
  if (i.session != 0) r.online.erase(i.session);
  // An emptied room is deleted by the node that emptied it; its deletion comes through the log.
}

void ChatHub::remote_message(const store::StoredMessage& message) {
  State& st = *state_;
  auto* r = st.room(message.room);
  if (r == nullptr || r->epoch != message.epoch || message.id <= r->last_id) return;
  r->last_id = message.id;
  st.publish(*r, room_message_of(message, r->name, false, false));
}

void ChatHub::remote_direct(const store::StoredDirect& message) {
  State& st = *state_;
  st.next_direct = std::max(st.next_direct, message.id + 1);
  // The sender's own session is on its node; an identity online here is the only one to tell.
  SessionId from = 0;
  if (auto it = st.identities.find(message.from_identity);
      message.from_identity != 0 && it != st.identities.end()) {
    from = it->second.session;
  }
  // To a guest: its session, if the guest is on this node.
  SessionId to_guest = 0;
  if (const auto* guest = st.session_named(message.to);
      message.to_identity == 0 && guest != nullptr && guest->identity == 0) {
    to_guest = guest->id;
  }
  if (message.to_identity == 0 && to_guest == 0 && from == 0) return;
  st.deliver_direct(from, message.to_identity, to_guest,
                    DirectMessage{.message_id = message.id, .sender = message.from,
                                  .recipient = message.to, .text = message.text,
                                  .client_msg_id = message.client_msg_id,
                                  .sent_unix_ms = message.sent_ms, .missed = false,
                                  .kind = message.kind});
}

void ChatHub::remote_file(const store::StoredFile& file) {
  State& st = *state_;
  if (st.files.contains(file.id)) return;
  FileInfo info{.id = file.id, .name = file.name, .size = file.size, .sender = file.sender,
                .sha256 = file.sha256, .room = file.room, .recipient = file.recipient,
                .sent_unix_ms = file.sent_ms};
  std::set<IdentityId> rights(file.allowed.begin(), file.allowed.end());
  std::vector<SessionId> audience;
  for (IdentityId iid : rights) {
    if (auto it = st.identities.find(iid); it != st.identities.end() && it->second.session != 0) {
      audience.push_back(it->second.session);
    }
  }
  ++st.files_by_sender[fold_case(file.sender)];
  st.add_file(info, audience, std::move(rights), true);
  st.files[file.id].node = file.node;
}

void ChatHub::remote_file_removed(std::string_view file_id) {
  State& st = *state_;
  auto it = st.files.find(std::string(file_id));
  if (it == st.files.end()) return;
  if (auto count = st.files_by_sender.find(fold_case(it->second.info.sender));
      count != st.files_by_sender.end() && --count->second == 0) {
    st.files_by_sender.erase(count);
  }
  st.files.erase(it);
}

void ChatHub::remote_creator(std::string_view room, IdentityId identity) {
  if (auto* r = state_->room(room)) r->creator = identity;
}

void ChatHub::remote_sanction(const store::StoredSanction& sanction, bool lifted) {
  State& st = *state_;
  const State::SanctionKey key{sanction.kind, sanction.identity, sanction.room};
  if (lifted) {
    st.sanctions.erase(key);
  } else {
    st.sanctions[key] = Sanction{.until_ms = sanction.until_ms, .reason = sanction.reason,
                                 .by = sanction.by};
  }
  auto identity = st.identities.find(sanction.identity);
  if (identity == st.identities.end()) return;
  const bool ban = sanction.kind == store::SanctionKind::ban;
  const auto action = ban ? (lifted ? ModerationAction::unban : ModerationAction::ban)
                          : (lifted ? ModerationAction::unmute : ModerationAction::mute);
  const auto* r = sanction.room.empty() ? nullptr : st.room(sanction.room);
  const SessionId live = identity->second.session;
  st.announce(Moderated{.action = action, .room = r != nullptr ? r->name : sanction.room,
                        .nickname = identity->second.nickname, .by = sanction.by,
                        .reason = sanction.reason, .until_unix_ms = sanction.until_ms},
              sanction.room, sanction.identity, live, 0);
  if (!ban || lifted) return;
  // The ban is enforced on this node's session; the membership itself ends through the log.
  const std::string why = "banned by " + sanction.by +
                          (sanction.reason.empty() ? "" : ": " + sanction.reason);
  if (sanction.room.empty()) {
    if (auto* target = st.session(live)) {
      target->client->deliver(make_event(ShutdownNotice{.reason = why}));
      target->client->replaced();
      disconnect(live, why);
    }
  }
}

void ChatHub::remote_motd(std::string_view motd) {
  State& st = *state_;
  st.motd = std::string(motd);
  std::vector<SessionId> everyone;
  for (const auto& [sid, _] : st.sessions) everyone.push_back(sid);
  auto event = std::make_shared<Event>();
  event->time_unix_ms = now_unix_ms();
  event->moderation = Moderated{.action = ModerationAction::motd, .by = {}, .reason = st.motd};
  st.deliver(everyone, event);
}

void ChatHub::remote_topic_lock(std::string_view room, bool locked, std::string_view by) {
  State& st = *state_;
  auto* r = st.room(room);
  if (r == nullptr) return;
  r->topic_locked = locked;
  st.announce(Moderated{.action = locked ? ModerationAction::topic_lock : ModerationAction::topic_unlock,
                        .room = r->name, .by = std::string(by)},
              fold_case(r->name), 0, 0, 0);
}

}  // namespace chatcore::model
