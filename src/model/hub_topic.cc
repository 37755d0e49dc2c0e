// Room topics: any member may set or clear one (only its operators while it is locked, see
// hub_topic_lock.cc); it is committed before anyone sees it, lives in the rooms table (so it
// survives a restart) and goes with the room.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"
#include "util/log.h"

#include <fmt/format.h>

namespace chatcore::model {

namespace {
// As IRC servers commonly allow (TOPICLEN): long enough for a sentence and a link or two.
constexpr std::size_t kMaxTopicBytes = 390;

// Sets the topic on the hub's room and returns the notice for its online members.
EventPtr apply_topic(Room& r, std::string topic, std::string by, std::int64_t at_ms) {
  r.topic = std::move(topic);
  r.topic_by = r.topic.empty() ? std::string() : std::move(by);
  r.topic_ms = r.topic.empty() ? 0 : at_ms;
  return make_notice(TopicChanged{.room = r.name, .topic = r.topic, .by = r.topic_by});
}
}  // namespace

void ChatHub::set_topic(SessionId id, std::string_view room, std::string_view topic,
                        Reply<RoomInfo> done) {
  State& st = *state_;
  auto* s = st.session(id);
  if (s == nullptr) return done(unknown_session());
  if (auto bad = check_line(topic, kMaxTopicBytes, "topic"); !bad.ok()) return done(bad);
  auto* r = st.room(room);
  if (r == nullptr) {
    return done(Status{Code::not_found, fmt::format("no room named '{}'", util::escape(room))});
  }
  if (!st.rooms_of(*s).contains(fold_case(room))) {
    return done(Status{Code::failed_precondition,
                       fmt::format("you are not in room '{}'", r->name)});
  }
  if (r->topic_locked && !st.is_room_operator(*s, *r)) {
    return done(Status{Code::permission_denied,
                       fmt::format("the topic of #{} is locked by its operators", r->name)});
  }
  const auto now = now_unix_ms();
  if (st.store == nullptr) {
    st.deliver(r->online, apply_topic(*r, std::string(topic), s->nickname, now));
    return done(r->info());
  }
  // A cleared topic keeps nobody's name.
  st.store->set_topic(
      r->name, std::string(topic), topic.empty() ? std::string() : s->nickname, now,
      [this, name = r->name, by = s->nickname, done = std::move(done)](
          Result<store::StoredRoom> stored) {
        if (!stored.ok()) return done(stored.status());
        // Deleted (and perhaps created again) meanwhile: that room's life is over.
        auto* now = state_->room(name);
        if (now == nullptr || now->epoch != stored->epoch) {
          return done(Status{Code::not_found, fmt::format("room '{}' was deleted", name)});
        }
        state_->deliver(now->online,
                        apply_topic(*now, stored->topic, stored->topic_by, stored->topic_ms));
        log::debug("topic of room '{}' set by {}", now->name, util::escape(by));
        done(now->info());
      });
}

Result<RoomInfo> ChatHub::set_topic(SessionId id, std::string_view room, std::string_view topic) {
  if (state_->store != nullptr) return Status{Code::internal, "the store answers later"};
  Result<RoomInfo> out = Status{Code::internal, "not set"};
  set_topic(id, room, topic, [&out](Result<RoomInfo> r) { out = std::move(r); });
  return out;
}

}  // namespace chatcore::model
