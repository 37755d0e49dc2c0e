// ChatState::apply: one handler per event kind, chosen by an exhaustive visit.
#include "state.h"

namespace chat {

ChatState::Effect ChatState::apply(const chatcore::Event& event) {
  Effect effect;
  const std::int64_t at = event.time_unix_ms;
  std::visit([&](const auto& body) { on(body, at, effect); }, event.body);
  return effect;
}

void ChatState::on(const chatcore::Welcome& w, std::int64_t, Effect& effect) { effect.rejoin = welcome(w); }

void ChatState::on(const chatcore::RoomMessage& m, std::int64_t at, Effect& effect) {
  Buffer& buf = buffer(m.room);
  const std::int64_t when = m.sent_unix_ms ? m.sent_unix_ms : at;
  if (m.message_id != 0 && buf.seen.count({m.message_id, when})) return;
  if (m.sender == nick && m.client_msg_id != 0) {
    for (Line& l : buf.lines) {
      if (l.own && l.client_msg_id == m.client_msg_id && l.message_id == 0) {
        l.message_id = m.message_id;  // the echo of a line already shown
        l.time_ms = when;
        l.changed();
        buf.seen.insert({m.message_id, when});
        return;
      }
    }
  }
  Line l = make_line(LineKind::message, when, m.sender, m.text);
  l.replay = m.replay;
  l.missed = m.missed;
  l.own = m.sender == nick;
  l.mention = !l.own && mentions(m.text, nick);
  l.message_id = m.message_id;
  effect.bell = l.mention && !m.replay && !m.missed;
  if (m.room != room_ && (!m.replay || m.missed)) ++room_entry(m.room).unread;
  push(m.room, std::move(l));
}

void ChatState::on(const chatcore::DirectMessage& d, std::int64_t at, Effect& effect) {
  const bool outgoing = d.sender == nick;
  Buffer& buf = buffer(room_);
  if (outgoing && d.client_msg_id != 0) {
    for (const Line& l : buf.lines) {
      if (l.kind == LineKind::dm_out && l.client_msg_id == d.client_msg_id) return;
    }
  }
  Line l = make_line(outgoing ? LineKind::dm_out : LineKind::dm_in, d.sent_unix_ms ? d.sent_unix_ms : at,
                     outgoing ? d.recipient : d.sender, d.text);
  l.own = outgoing;
  l.missed = d.missed;
  l.message_id = d.message_id;
  l.client_msg_id = d.client_msg_id;
  l.mention = !outgoing && mentions(d.text, nick);
  effect.bell = !outgoing && !d.missed;
  touch_dm(l.who, !outgoing);
  push(room_, std::move(l));
}

void ChatState::on(const chatcore::MemberJoined& j, std::int64_t at, Effect&) {
  if (j.nickname != nick && !is_member(j.room)) return;
  room_entry(j.room).members = j.members;
  if (j.nickname != nick && j.room == room_) {
    push(room_, make_line(LineKind::joined, at, j.nickname, std::string()));
  }
}

void ChatState::on(const chatcore::MemberLeft& l, std::int64_t at, Effect&) {
  if (l.nickname == nick) {
    left_room(l.room);  // the server took the user out (a leave elsewhere shows here too)
    return;
  }
  if (!is_member(l.room)) return;
  room_entry(l.room).members = l.members;
  if (l.nickname != nick && l.room == room_) {
    push(room_, make_line(LineKind::left, at, l.nickname, l.reason));
  }
}

void ChatState::on(const chatcore::NickChanged& n, std::int64_t at, Effect&) {
  const bool own = n.old_nickname == nick;
  if (own) nick = n.new_nickname;
  for (DmEntry& dm : dms_) {
    if (dm.partner == n.old_nickname) dm.partner = n.new_nickname;
  }
  if (own || n.room == room_) {
    push(room_, make_line(LineKind::nick, at, n.old_nickname, n.new_nickname));
  }
}

void ChatState::on(const chatcore::FileNotice& f, std::int64_t at, Effect& effect) {
  remember_files({f.file}, false);
  Line l = make_line(LineKind::file, at, f.file.sender, std::string());
  l.file = f.file;
  l.own = f.file.sender == nick;
  effect.bell = !l.own && !f.file.recipient.empty();
  const bool elsewhere = !f.file.room.empty() && f.file.room != room_;
  if (elsewhere) ++room_entry(f.file.room).unread;
  push(elsewhere ? f.file.room : room_, std::move(l));
}

void ChatState::on(const chatcore::HistoryReplay& h, std::int64_t at, Effect&) {
  if (h.count == 0) return;
  push(h.room, make_line(LineKind::history, at, {},
                         std::to_string(h.count) + " earlier message" + (h.count == 1 ? "" : "s") +
                             " (history)"));
}

void ChatState::on(const chatcore::ShutdownNotice& s, std::int64_t, Effect& effect) {
  connection_note = s.reason;
  if (s.replaced) {
    // Reconnecting would take the session back from the other client: the user decides.
    add_error("you " + (s.reason.empty() ? std::string("signed in from another client") : s.reason) +
              "; this window stops here (/quit leaves)");
  } else {
    add_error("the server is shutting down: " + (s.reason.empty() ? "no reason given" : s.reason));
  }
  effect.shutdown = true;
}

void ChatState::on(const chatcore::CaughtUp& c, std::int64_t at, Effect&) {
  caught_up = true;
  const std::uint32_t missed = c.room_messages + c.direct_messages;
  push(room_, make_line(LineKind::history, at, {},
                        missed == 0 ? std::string("caught up: nothing missed")
                                    : "caught up: " + std::to_string(missed) + " missed message" +
                                          (missed == 1 ? "" : "s") + " (marked)"));
}

void ChatState::on(const chatcore::HistoryGap& g, std::int64_t at, Effect&) {
  const std::string where = g.room.empty() ? std::string("direct messages") : g.room;
  push(g.room.empty() ? room_ : g.room,
       make_line(LineKind::history, at, {},
                 "older messages of " + where + " are no longer available (before #" +
                     std::to_string(g.first_id) + ")"));
}

}  // namespace chat
