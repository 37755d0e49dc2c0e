// ChatState::apply: one handler per event kind, chosen by an exhaustive visit.
#include "state.h"

#include <utility>

namespace chat {

ChatState::Effect ChatState::apply(const chatcore::Event& event) {
  Effect effect;
  const std::int64_t at = event.time_unix_ms;
  std::visit([&](const auto& body) { on(body, at, effect); }, event.body);
  return effect;
}

void ChatState::on(const chatcore::Welcome& w, std::int64_t, Effect& effect) { effect.rejoin = welcome(w); }

void ChatState::on(const chatcore::RoomMessage& m, std::int64_t at, Effect& effect) {
  Buffer& buf = room_buffer(m.room);
  const std::int64_t when = m.sent_unix_ms ? m.sent_unix_ms : at;
  if (m.message_id != 0 && buf.seen.count({m.message_id, when})) return;
  if (m.sender != nick && ignored.contains(m.sender)) return;
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
  l.action = m.kind == chatcore::MessageKind::action;
  l.replay = m.replay;
  l.missed = m.missed;
  l.own = m.sender == nick;
  l.mention = !l.own && mentions(m.text, nick);
  l.message_id = m.message_id;
  effect.bell = l.mention && !m.replay && !m.missed;
  if (!m.replay || m.missed) buffers_.notify(buf, l.mention);
  push(buf, std::move(l));
}

void ChatState::on(const chatcore::DirectMessage& d, std::int64_t at, Effect& effect) {
  const bool outgoing = d.sender == nick;
  if (!outgoing && ignored.contains(d.sender)) return;  // no buffer opens either
  Buffer& buf = dm_buffer(outgoing ? d.recipient : d.sender);
  if (outgoing && d.client_msg_id != 0) {
    for (const Line& l : buf.lines) {
      if (l.kind == LineKind::dm_out && l.client_msg_id == d.client_msg_id) return;
    }
  }
  Line l = make_line(outgoing ? LineKind::dm_out : LineKind::dm_in, d.sent_unix_ms ? d.sent_unix_ms : at,
                     outgoing ? d.recipient : d.sender, d.text);
  l.own = outgoing;
  l.action = d.kind == chatcore::MessageKind::action;
  l.missed = d.missed;
  l.message_id = d.message_id;
  l.client_msg_id = d.client_msg_id;
  l.mention = !outgoing && mentions(d.text, nick);
  effect.bell = !outgoing && !d.missed;
  buffers_.touch(buf);
  if (!outgoing) buffers_.notify(buf, true);  // a DM is always worth the mark
  push(buf, std::move(l));
}

void ChatState::on(const chatcore::MemberJoined& j, std::int64_t at, Effect&) {
  if (j.nickname != nick && !is_member(j.room)) return;
  Buffer& buf = room_entry(j.room);
  buf.members = j.members;
  if (j.nickname == nick) return;
  note_member(j.room, j.nickname, true);
  push(buf, make_line(LineKind::joined, at, j.nickname, std::string()));
}

void ChatState::on(const chatcore::MemberLeft& l, std::int64_t at, Effect&) {
  if (l.nickname == nick) {
    left_room(l.room);  // the server took the user out (a leave elsewhere shows here too)
    // A kick or ban closes the room's buffer, never silently: why, where one reads now and
    // in the server buffer.
    if (!l.reason.empty() && l.reason != "left") {
      const Line line = make_line(LineKind::error, at, {}, "you are no longer in #" + l.room + ": " + l.reason);
      Buffer& server = buffers_.open(BufferId::server());
      if (&server != &on_screen()) push(on_screen(), line);
      push(server, line);
    }
    return;
  }
  if (!is_member(l.room)) return;
  Buffer& buf = room_entry(l.room);
  buf.members = l.members;
  note_member(l.room, l.nickname, false);
  push(buf, make_line(LineKind::left, at, l.nickname, l.reason));
}

void ChatState::on(const chatcore::NickChanged& n, std::int64_t at, Effect&) {
  const bool own = n.old_nickname == nick;
  if (own) nick = n.new_nickname;
  const Line line = make_line(LineKind::nick, at, n.old_nickname, n.new_nickname);
  for (Buffer& b : buffers_.all()) {
    if (b.id.kind == BufferKind::dm && b.id.name == n.old_nickname && !buffers_.find(BufferId::dm(n.new_nickname))) {
      b.id.name = n.new_nickname;  // the conversation goes on under the new name
      push(b, line);
    }
  }
  if (own) {
    push(on_screen(), line);
  } else if (Buffer* b = buffers_.find(BufferId::room(n.room))) {
    note_member(n.room, n.old_nickname, false);
    note_member(n.room, n.new_nickname, true);
    push(*b, line);
  }
}

void ChatState::on(const chatcore::FileNotice& f, std::int64_t at, Effect& effect) {
  remember_files({f.file}, false);
  Line l = make_line(LineKind::file, at, f.file.sender, std::string());
  l.file = f.file;
  l.own = f.file.sender == nick;
  effect.bell = !l.own && !f.file.recipient.empty();
  // a file to a room goes to its buffer; one to the user, to the sender's DM buffer
  Buffer& buf = !f.file.room.empty() ? room_buffer(f.file.room)
                : l.own                ? dm_buffer(f.file.recipient)
                                       : dm_buffer(f.file.sender);
  if (!l.own) buffers_.notify(buf, !f.file.recipient.empty());
  push(buf, std::move(l));
}

void ChatState::on(const chatcore::HistoryReplay& h, std::int64_t at, Effect&) {
  if (h.count == 0) return;
  push(room_buffer(h.room), make_line(LineKind::history, at, {},
                         std::to_string(h.count) + " earlier message" + (h.count == 1 ? "" : "s") +
                             " (history)"));
}

void ChatState::on(const chatcore::ShutdownNotice& s, std::int64_t, Effect& effect) {
  connection_note = s.reason;
  if (s.replaced) {
    // Reconnecting would take the session back from the other client: the user decides.
    add_error("you " + (s.reason.empty() ? std::string("signed in from another client") : s.reason) +
              "; this window stops here (/quit leaves)");
  } else if (std::exchange(sent_off_, false)) {
    add_error("the server ended your session: " + s.reason);
  } else {
    // chatd's own reason says just that: shown once, not as "shutting down: shutting down".
    add_error(s.reason.empty() || s.reason == "the server is shutting down"
                  ? std::string("the server is shutting down")
                  : "the server is shutting down: " + s.reason);
  }
  effect.shutdown = true;
}

void ChatState::on(const chatcore::CaughtUp& c, std::int64_t at, Effect& effect) {
  caught_up = true;
  // What a restored room shows now is what was missed: the page before it is the context.
  for (const std::string& room : std::exchange(restored_, {})) {
    if (Buffer* b = buffers_.find(BufferId::room(room))) {
      if (auto want = fetch_for(*b)) effect.fetch.push_back(*want);
    }
  }
  const std::uint32_t missed = c.room_messages + c.direct_messages;
  push(on_screen(), make_line(LineKind::history, at, {},
                        missed == 0 ? std::string("caught up: nothing missed")
                                    : "caught up: " + std::to_string(missed) + " missed message" +
                                          (missed == 1 ? "" : "s") + " (marked)"));
}

void ChatState::on(const chatcore::HistoryGap& g, std::int64_t at, Effect&) {
  const std::string where = g.room.empty() ? std::string("direct messages") : g.room;
  push(g.room.empty() ? on_screen() : room_buffer(g.room),
       make_line(LineKind::history, at, {},
                 "older messages of " + where + " are no longer available (before #" +
                     std::to_string(g.first_id) + ")"));
}

}  // namespace chat
