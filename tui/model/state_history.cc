// Older room history paged in from the server: PgUp past the top of a room's buffer asks for
// the page before its oldest message, and a fresh start asks for one above what each restored
// room shows, so a bouncer user's context is there as WeeChat and irssi show it.
#include "state.h"

#include <algorithm>
#include <iterator>

namespace chat {

std::optional<HistoryFetch> ChatState::older_history() {
  if (current().id.kind != BufferKind::room) return std::nullopt;
  return fetch_for(on_screen());
}

std::optional<HistoryFetch> ChatState::fetch_for(Buffer& b) {
  // Asked while disconnected, the request could only fail: the next PgUp asks again.
  if (connection != Connection::connected) return std::nullopt;
  if (b.history_pending || b.history_complete || b.history_failed) return std::nullopt;
  HistoryFetch want{b.id.name, 0};
  for (const Line& l : b.lines) {
    if (l.kind == LineKind::message && l.message_id != 0) {
      want.before_id = l.message_id;
      break;
    }
  }
  b.history_pending = true;
  return want;
}

void ChatState::prepend_history(const HistoryFetch& want, const chatcore::HistoryPage& page) {
  Buffer* b = buffers_.find(BufferId::room(want.room));
  if (b == nullptr) return;  // left while the page was on its way
  b->history_pending = false;
  std::deque<Line> block;
  for (const chatcore::RoomMessage& m : page.messages) {
    const std::int64_t when = m.sent_unix_ms;
    // A page of the newest messages may hold some that arrived live meanwhile.
    if (m.message_id != 0 && b->seen.count({m.message_id, when})) continue;
    if (m.sender != nick && ignored.contains(m.sender)) continue;
    Line l = make_line(LineKind::message, when, m.sender, m.text);
    l.action = m.kind == chatcore::MessageKind::action;
    l.replay = true;
    l.own = m.sender == nick;
    l.mention = !l.own && mentions(m.text, nick);
    l.message_id = m.message_id;
    if (m.message_id != 0) b->seen.insert({m.message_id, when});
    block.push_back(std::move(l));
  }
  if (!page.more) {
    b->history_complete = true;
    // Ids count from 1 in a room's epoch: a first one above that was cut by retention.
    const std::uint64_t first = page.messages.empty() ? want.before_id : page.messages.front().message_id;
    const std::string note = first > 1 ? "older messages of " + want.room +
                                             " are no longer available (before #" + std::to_string(first) + ")"
                                       : "start of #" + want.room + "'s history";
    const bool shown = std::any_of(b->lines.begin(), b->lines.end(),
                                   [&](const Line& l) { return l.kind == LineKind::history && l.text == note; });
    if (!shown) block.push_front(make_line(LineKind::history, 0, {}, note));
  }
  // The scroll offset counts display lines up from the live end, so lines put above leave
  // the view on the lines it showed; only the room to scroll grows.
  b->lines.insert(b->lines.begin(), std::make_move_iterator(block.begin()), std::make_move_iterator(block.end()));
}

void ChatState::history_failed(const HistoryFetch& want, const std::string& why) {
  Buffer* b = buffers_.find(BufferId::room(want.room));
  if (b == nullptr) return;
  b->history_pending = false;
  b->history_failed = true;
  Line l = make_line(LineKind::error, 0, {}, "could not fetch older messages of #" + want.room + ": " + why);
  // Where the reader is: at the top when scrolled up to ask, else below.
  if (b->scroll > 0) {
    b->lines.push_front(std::move(l));
  } else {
    push(*b, std::move(l));
  }
}

}  // namespace chat
