// The hub and the store: seeding from the snapshot at start-up, registering new identities
// (trust on first use, committed before the session opens), and the writes nobody waits on.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"
#include "util/log.h"

#include <fmt/format.h>

namespace chatcore::model {

void ChatHub::State::log_store_failure(const std::string& what, const Status& status) {
  log::error("store: {} failed: {}", what, status.to_string());
}

void ChatHub::State::save_identity(const Identity& identity) {
  if (store == nullptr) return;
  store->put_identity(store::StoredIdentity{.id = identity.id,
                                            .secret_hash = identity.secret_hash,
                                            .nickname = identity.nickname,
                                            .created_ms = 0,
                                            .last_seen_ms = now_unix_ms()},
                      logged<store::StoredIdentity>("saving identity " + identity.nickname));
}

void ChatHub::attach_store(store::Store* store, const store::Snapshot& snapshot) {
  State& st = *state_;
  st.store = store;
  for (const auto& stored : snapshot.identities) {
    Identity& i = st.identities[stored.id];
    i.id = stored.id;
    i.secret_hash = stored.secret_hash;
    i.nickname = stored.nickname;
    i.last_seen_ms = stored.last_seen_ms;
    st.by_secret[i.secret_hash] = i.id;
    st.owners[fold_case(i.nickname)] = i.id;
    st.next_identity = std::max(st.next_identity, i.id + 1);
  }
  for (const auto& stored : snapshot.rooms) {
    Room& r = st.rooms[fold_case(stored.name)];
    r.name = stored.name;
    r.epoch = stored.epoch;
    r.last_id = stored.last_id;
    r.topic = stored.topic;
    r.topic_by = stored.topic_by;
    r.topic_ms = stored.topic_ms;
  }
  // The store numbers DMs; the hub tracks the next one to tell a position that is ahead.
  st.next_direct = snapshot.last_direct_id + 1;
  for (const auto& member : snapshot.members) {
    const auto key = fold_case(member.room);
    auto room = st.rooms.find(key);
    auto identity = st.identities.find(member.identity);
    if (room == st.rooms.end() || identity == st.identities.end()) continue;
    room->second.identities.insert(member.identity);
    identity->second.rooms.insert(key);
  }
  const std::size_t keep = st.config.limits.history;
  for (const auto& m : snapshot.recent) {
    auto room = st.rooms.find(fold_case(m.room));
    if (room == st.rooms.end() || keep == 0) continue;
    auto& history = room->second.history;
    history.push_back(room_message_of(m, room->second.name, false, false));
    if (history.size() > keep) history.pop_front();
  }
  st.seed_files(snapshot.files);
  st.seed_moderation(snapshot);
  // A room left without members (a crash between the last leave and its deletion) goes now.
  // In a cluster its members may be other nodes' guests, which no replica knows: it waits
  // until their presence is known (cluster_presence_known).
  for (auto it = st.rooms.begin(); it != st.rooms.end();) {
    if (it->second.members() != 0) {
      ++it;
      continue;
    }
    if (store->claims_guests()) {
      st.unclaimed_rooms.emplace_back(it->first, it->second.epoch);
      ++it;
      continue;
    }
    log::info("room '{}' has no members left; deleting it", util::escape(it->second.name));
    store->delete_room(it->second.name, st.logged<bool>("deleting an empty room"));
    it = st.rooms.erase(it);
  }
  log::info("restored {} identities, {} rooms and {} files", st.identities.size(),
            st.rooms.size(), st.files.size());
}

void ChatHub::prune(const store::Retention& policy, std::function<void()> then) {
  State& st = *state_;
  if (st.store == nullptr) return;
  // An identity online for longer than nick_ms is still in use: seen now.
  for (const auto& [id, identity] : st.identities) {
    if (identity.session != 0) st.save_identity(identity);
  }
  const auto now = now_unix_ms();
  st.store->prune(policy, now, [this, history_ms = policy.history_ms, now,
                                then = std::move(then)](Result<store::Pruned> pruned) {
    if (!pruned.ok()) return State::log_store_failure("retention", pruned.status());
    State& st = *state_;
    // Expired, or nobody may download them any more: gone from the store already, so from
    // the registry and (through `then`) the disk.
    for (const auto& id : pruned->files) {
      auto it = st.files.find(id);
      if (it == st.files.end()) continue;
      it->second.stored = false;
      st.drop_file(it);
    }
    for (const auto& gone : pruned->identities) {
      auto it = st.identities.find(gone.id);
      if (it == st.identities.end() || it->second.session != 0) continue;
      for (const auto& key : it->second.rooms) {
        if (auto room = st.rooms.find(key); room != st.rooms.end()) {
          room->second.identities.erase(gone.id);
        }
      }
      st.owners.erase(fold_case(it->second.nickname));
      st.by_secret.erase(it->second.secret_hash);
      st.identities.erase(it);
    }
    for (const auto& name : pruned->rooms) {
      auto it = st.rooms.find(fold_case(name));
      if (it == st.rooms.end()) continue;
      // Its guests (never stored) are told; nobody else is online in it.
      auto event = make_event(MemberLeft{.room = it->second.name, .nickname = {}, .members = 0,
                                         .reason = "room expired"});
      for (SessionId guest : it->second.guests) {
        if (auto* s = st.session(guest)) {
          s->guest_rooms.erase(it->first);
          s->participant->deliver(event);
        }
      }
      st.forget_room(it->first, it->second);
      st.rooms.erase(it);
    }
    if (history_ms > 0) {
      for (auto& [key, room] : st.rooms) {
        while (!room.history.empty() && room.history.front().sent_unix_ms < now - history_ms) {
          room.history.pop_front();
        }
      }
    }
    if (pruned->messages + pruned->directs + pruned->identities.size() + pruned->rooms.size() +
            pruned->files.size() > 0) {
      log::info("retention removed {} room messages, {} DMs, {} identities, {} rooms, {} files",
                pruned->messages, pruned->directs, pruned->identities.size(),
                pruned->rooms.size(), pruned->files.size());
    }
    if (then) then();
  });
}

bool ChatHub::knows_identity(std::string_view secret_hash) const {
  return state_->by_secret.contains(std::string(secret_hash));
}

void ChatHub::register_identity(std::string_view nickname, std::string_view secret_hash,
                                Reply<bool> done) {
  State& st = *state_;
  const auto key = fold_case(nickname);
  const std::string hash(secret_hash);
  if (auto bad = check_name(nickname, kMaxNicknameChars, "nickname"); !bad.ok()) return done(bad);
  if (auto free = st.check_free(nickname, 0, true, 0); !free.ok()) return done(free);
  if (st.pending_secrets.contains(hash)) {
    return done(Status{Code::already_exists,
                       fmt::format("nickname '{}' is already taken", util::escape(nickname))});
  }
  const auto adopt = [this, key, hash](const store::StoredIdentity& stored) {
    State& s = *state_;
    s.pending_nicks.erase(key);
    s.pending_secrets.erase(hash);
    Identity& i = s.identities[stored.id];
    i.id = stored.id;
    i.secret_hash = stored.secret_hash;
    i.nickname = stored.nickname;
    s.by_secret[hash] = i.id;
    s.owners[key] = i.id;
    log::debug("nickname {} is now owned by a new identity", util::escape(i.nickname));
  };
  const auto now = now_unix_ms();
  store::StoredIdentity fresh{.id = 0, .secret_hash = hash, .nickname = std::string(nickname),
                              .created_ms = now, .last_seen_ms = now};
  if (st.store == nullptr) {
    fresh.id = st.next_identity++;
    adopt(fresh);
    return done(true);
  }
  st.pending_nicks.insert(key);
  st.pending_secrets.insert(hash);
  st.store->put_identity(std::move(fresh), [this, key, hash, adopt,
                                            done = std::move(done)](Result<store::StoredIdentity> r) {
    if (!r.ok()) {
      state_->pending_nicks.erase(key);
      state_->pending_secrets.erase(hash);
      return done(r.status());
    }
    adopt(*r);
    done(true);
  });
}

}  // namespace chatcore::model
