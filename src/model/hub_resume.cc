// Resume on a store: what a returning identity missed is read back (rooms after its position,
// DMs after its last one) while its live events wait in a HoldBack; then CaughtUp, then the
// held events without those the replay already carried. Nothing twice, nothing skipped.
#include "model/hub.h"

#include "model/hub_state.h"

#include <algorithm>

namespace chatcore::model {

namespace {
// Messages per store read; a full page is followed by another read.
constexpr std::size_t kReplayPage = 1000;
}  // namespace

void ChatHub::State::start_replay(Session& s, const Identity& identity,
                                  const ResumePosition& resume) {
  s.replay = std::make_unique<HoldBack>();
  s.participant = s.replay.get();
  // Counted before any read is submitted, so no completion can end the replay early.
  s.replay->reads = 1;
  for (const auto& key : identity.rooms) {
    const Room& r = rooms.at(key);
    const auto named = std::find_if(resume.rooms.begin(), resume.rooms.end(),
                                    [&](const RoomPosition& p) { return fold_case(p.room) == key; });
    if (named == resume.rooms.end()) {
      replay_history(s, r);
      continue;
    }
    const bool same_life = named->epoch == r.epoch;
    // Past the room's last_id: the server lost messages the client saw (a power cut took
    // the newest commits) and gives their ids again; the gap tells the client to take them.
    const bool ahead = same_life && named->last_id > r.last_id;
    // The hub's last_id counts only commits whose completion ran: the read below sees them.
    replay_room(s.id, r, !same_life ? 0 : ahead ? r.last_id : named->last_id,
                !same_life || ahead, r.last_id);
  }
  std::uint64_t direct_after = resume.last_direct_id;
  if (direct_after >= next_direct) {  // the same for DMs: the client saw ids given again
    s.client->deliver(make_event(HistoryGap{.room = {}, .epoch = 0, .first_id = next_direct}));
    direct_after = next_direct - 1;
  }
  replay_directs(s.id, identity.id, direct_after);
  replay_read_done(s.id, identity.id);
}

void ChatHub::State::replay_room(SessionId id, const Room& r, std::uint64_t after,
                                 bool gap_if_any, std::uint64_t known_last) {
  auto* s = session(id);
  ++s->replay->reads;
  store->since(r.name, after, kReplayPage,
               [this, id, key = fold_case(r.name), name = r.name, epoch = r.epoch, after,
                gap_if_any, known_last](Result<std::vector<store::StoredMessage>> page) {
                 auto* s = session(id);
                 if (s == nullptr || !s->replay) return;  // gone (or replaced) meanwhile
                 if (!page.ok()) {
                   log_store_failure("reading room " + name + " for a resume", page.status());
                 } else {
                   const auto& got = *page;
                   const std::uint64_t first = got.empty() ? known_last + 1 : got.front().id;
                   // Said before the room's first message of the replay.
                   if (gap_if_any || (first > after + 1 && known_last > after)) {
                     s->client->deliver(make_event(
                         HistoryGap{.room = name, .epoch = epoch, .first_id = first}));
                   }
                   for (const auto& m : got) {
                     s->client->deliver(make_event(room_message_of(m, name, false, true)));
                     ++s->replay->counts.room_messages;
                   }
                   if (!got.empty()) s->replay->room_max[key] = got.back().id;
                   if (got.size() == kReplayPage) {
                     if (const auto* r = room(name); r != nullptr && r->epoch == epoch) {
                       // A later page never starts a gap: known_last 0 says so.
                       replay_room(id, *r, got.back().id, false, 0);
                     }
                   }
                 }
                 replay_read_done(id, s->identity);
               });
}

void ChatHub::State::replay_directs(SessionId id, IdentityId identity, std::uint64_t after) {
  auto* s = session(id);
  ++s->replay->reads;
  store->directs_since(identity, after, kReplayPage,
                       [this, id, identity](Result<std::vector<store::StoredDirect>> page) {
                         auto* s = session(id);
                         if (s == nullptr || !s->replay) return;
                         if (!page.ok()) {
                           log_store_failure("reading DMs for a resume", page.status());
                         } else {
                           for (const auto& d : *page) {
                             s->client->deliver(make_event(
                                 DirectMessage{.message_id = d.id,
                                               .sender = d.from,
                                               .recipient = d.to,
                                               .text = d.text,
                                               .client_msg_id = d.client_msg_id,
                                               .sent_unix_ms = d.sent_ms,
                                               .missed = true,
                                               .kind = d.kind}));
                             ++s->replay->counts.direct_messages;
                             s->replay->direct_max = d.id;
                           }
                           if (page->size() == kReplayPage) {
                             replay_directs(id, identity, s->replay->direct_max);
                           }
                         }
                         replay_read_done(id, identity);
                       });
}

void ChatHub::State::replay_read_done(SessionId id, IdentityId identity) {
  auto* s = session(id);
  if (s == nullptr || !s->replay || --s->replay->reads > 0) return;
  if (!s->replay->fenced) {
    // A read may see a write submitted after it that committed in the same batch; that
    // write's completion (its live fan-out) comes after the read's. One more read, submitted
    // now, completes after all of them: until then live events stay held and filtered.
    s->replay->fenced = true;
    ++s->replay->reads;
    store->directs_since(identity, UINT64_MAX, 1,
                         [this, id, identity](Result<std::vector<store::StoredDirect>>) {
                           replay_read_done(id, identity);
                         });
    return;
  }
  auto replay = std::move(s->replay);
  s->participant = s->client;
  s->client->deliver(make_event(replay->counts));
  for (const auto& event : replay->held) {
    if (const auto* m = std::get_if<RoomMessage>(&event->body)) {
      const auto it = replay->room_max.find(fold_case(m->room));
      if (it != replay->room_max.end() && m->message_id <= it->second) continue;
    } else if (const auto* d = std::get_if<DirectMessage>(&event->body)) {
      if (d->message_id <= replay->direct_max) continue;
    }
    s->client->deliver(event);
  }
}

}  // namespace chatcore::model
