// Topic locks: a room's operators (its creator, server operators) may lock its topic so that
// only they may set it. The lock is committed before anyone sees it, lives in the store with
// the room's life, and is shown to the room as a Moderated event (topic_lock, topic_unlock).
#include "model/hub.h"

#include "model/hub_state.h"
#include "util/escape.h"

#include <fmt/format.h>

namespace chatcore::model {

bool ChatHub::State::is_room_operator(const Session& s, const Room& r) const {
  return is_server_operator(s) || (s.identity != 0 && r.creator == s.identity);
}

void ChatHub::State::lock_topic(SessionId actor, Room& r, bool locked, Reply<std::int64_t> done) {
  const Session* s = session(actor);
  if (s == nullptr) return done(Status{Code::not_found, "unknown session"});
  if (r.topic_locked == locked) {
    return done(Status{Code::failed_precondition,
                       fmt::format("the topic of #{} is {} locked", r.name, locked ? "already" : "not")});
  }
  const Moderated m{.action = locked ? ModerationAction::topic_lock : ModerationAction::topic_unlock,
                    .room = r.name, .by = s->nickname};
  auto apply = [this, actor, m, locked, epoch = r.epoch, done](Result<bool> stored) {
    if (!stored.ok()) return done(stored.status());
    // Deleted (and perhaps created again) while the store wrote: that room's life is over.
    Room* now = room(m.room);
    if (now == nullptr || now->epoch != epoch) {
      return done(Status{Code::not_found, fmt::format("room '{}' was deleted", m.room)});
    }
    now->topic_locked = locked;
    announce(m, fold_case(m.room), 0, 0, actor);
    done(std::int64_t{0});
  };
  if (store == nullptr) return apply(true);
  store->set_topic_lock(r.name, locked, s->nickname, std::move(apply));
}

}  // namespace chatcore::model
