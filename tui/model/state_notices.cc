// ChatState::notice: topics, presence and away replies, which the server sends as notices
// beside the events (so a client written before them is not broken by them).
#include "state.h"

namespace chat {

void ChatState::notice(const chatcore::Event& event) {
  if (!event.notice) return;
  std::visit([&](const auto& body) { on_notice(body, event.time_unix_ms); }, *event.notice);
}

void ChatState::on_notice(const chatcore::TopicChanged& t, std::int64_t at) {
  Buffer* b = buffers_.find(BufferId::room(t.room));
  if (b == nullptr) return;
  b->topic = t.topic;
  push(*b, make_line(LineKind::system, at, {},
                     t.topic.empty() ? t.by + " cleared the topic" : t.by + " set the topic: " + t.topic));
}

void ChatState::on_notice(const chatcore::PresenceChanged& p, std::int64_t) {
  for (Buffer& b : buffers_.all()) {
    for (Member& m : b.nicks) {
      if (m.nick != p.nickname) continue;
      m.away = p.presence == chatcore::Presence::away;
      m.online = p.presence != chatcore::Presence::offline;
    }
  }
}

// The reply to a DM just sent: in the partner's buffer, and where it was sent from.
void ChatState::on_notice(const chatcore::AwayNotice& a, std::int64_t at) {
  Buffer& dm = dm_buffer(a.nickname);
  const Line line = make_line(LineKind::system, at, {},
                              a.nickname + " is away" + (a.away_message.empty() ? "" : ": " + a.away_message));
  if (current().id != dm.id) push(on_screen(), line);
  push(dm, line);
}

}  // namespace chat
