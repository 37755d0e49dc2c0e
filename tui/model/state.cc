#include "state.h"

#include <algorithm>
#include <tuple>

namespace chat {
namespace {

std::string room_label(const std::string& room) { return room.empty() ? "the lobby" : "#" + room; }

}  // namespace

std::vector<std::string> ChatState::welcome(const chatcore::Welcome& w) {
  nick = w.nickname;
  server_name = w.server;
  fingerprint = w.fingerprint;
  motd = w.motd;
  server_operator = w.server_operator;
  limits = w.limits;
  connection = Connection::connected;
  connection_note.clear();
  if (w.session == session_) return {};  // the same Welcome, from login() and as an event
  const bool reconnect = !session_.empty();
  session_ = w.session;
  caught_up = w.guest;
  for (Buffer& b : buffers_.all()) b.history_failed = false;  // a new session may serve it
  std::vector<std::string> rejoin;
  std::string dropped;
  for (const RoomEntry& e : rooms()) {
    if (e.name.empty()) continue;
    const bool listed = std::any_of(w.rooms.begin(), w.rooms.end(), [&](auto& r) { return r.name == e.name; });
    if (listed) continue;
    if (w.guest) {
      rejoin.push_back(e.name);
    } else {
      // An identity's memberships are the server's to keep: one it no longer lists was left
      // from another client (or lost by the server), and joining it again is the user's call.
      dropped += (dropped.empty() ? "" : ", ") + room_label(e.name);
      left_room(e.name);
    }
  }
  if (!dropped.empty()) add_error("the server no longer counts you in " + dropped + "; /join to go back");
  for (const auto& r : w.rooms) {
    if (r.name.empty()) continue;
    const bool known = is_member(r.name);
    Buffer& buf = room_entry(r.name);
    buf.members = r.members;
    buf.topic = r.topic;
    if (known) continue;
    push(buf, make_line(LineKind::system, 0, {}, "you are in " + room_label(r.name) + " (restored)"));
    if (!reconnect) restored_.push_back(r.name);  // its context is fetched once caught up
  }
  const auto& all = buffers_.all();
  if (current().id.kind == BufferKind::server && all.size() > 1 && std::next(all.begin())->id.kind == BufferKind::room) {
    buffers_.focus(std::next(all.begin())->id);
  }
  if (reconnect) {
    std::string back;
    for (const RoomEntry& e : rooms()) {
      if (!e.name.empty()) back += (back.empty() ? "" : ", ") + room_label(e.name);
    }
    note_connection("reconnected to " + (node.empty() ? server : node) +
                    (back.empty() ? "" : rejoin.empty() ? "; back in " + back : "; joining " + back + " again"),
                    false);
  }
  return rejoin;
}

const std::string& ChatState::room() const {
  static const std::string none;
  return current().id.kind == BufferKind::room ? current().id.name : none;
}

bool ChatState::is_member(const std::string& name) const {
  return !name.empty() && buffers_.find(BufferId::room(name)) != nullptr;
}

void ChatState::focus(const std::string& name) { focus(name.empty() ? BufferId::server() : BufferId::room(name)); }

bool ChatState::focus(const BufferId& id) {
  confirm_close.clear();
  return buffers_.focus(id);
}

bool ChatState::focus_number(int number) {
  confirm_close.clear();
  return buffers_.focus_number(number);
}

void ChatState::focus_next(int delta) {
  confirm_close.clear();
  buffers_.focus_next(delta);
}

bool ChatState::focus_active() {
  confirm_close.clear();
  return buffers_.focus_active();
}

void ChatState::open_dm(const std::string& partner) {
  dm_buffer(partner);
  focus(BufferId::dm(partner));
}

void ChatState::close_dm(const std::string& partner) { buffers_.close(BufferId::dm(partner)); }

void ChatState::left_room(const std::string& name) {
  const BufferId id = BufferId::room(name);
  if (name.empty() || buffers_.find(id) == nullptr) return;
  const bool focused = current().id == id;
  if (confirm_close == name) confirm_close.clear();
  buffers_.close(id);
  if (!focused) return;
  add_system(room().empty() ? "you left " + room_label(name) + "; you are in the lobby: /join or /create a room to talk"
                            : "you left " + room_label(name) + "; now in " + room_label(room()));
}

void ChatState::entered_room(const chatcore::RoomInfo& info) {
  Buffer& buf = room_entry(info.name);
  buf.members = info.members;
  buf.topic = info.topic;
  focus(info.name);
  // The replayed history may already be here (events and the join reply race): the note goes
  // above it, so the history stays in one piece.
  auto at = buf.lines.end();
  while (at != buf.lines.begin() && (std::prev(at)->kind == LineKind::history || std::prev(at)->replay)) --at;
  std::deque<Line> block(at, buf.lines.end());
  buf.lines.erase(at, buf.lines.end());
  add_system(info.name.empty() ? "you are in the lobby: /join or /create a room to talk"
                               : "you are in " + room_label(info.name) + " (" + std::to_string(info.members) +
                                     (info.members == 1 ? " member)" : " members)"));
  for (Line& l : block) buf.lines.push_back(std::move(l));
}

void ChatState::set_rooms(const std::vector<chatcore::RoomInfo>& rooms) {
  for (const auto& r : rooms) {
    if (Buffer* b = buffers_.find(BufferId::room(r.name))) {
      b->members = r.members;
      b->topic = r.topic;
    }
  }
}

void ChatState::set_nicks(const std::string& room, const std::vector<chatcore::UserInfo>& users) {
  Buffer* b = buffers_.find(BufferId::room(room));
  if (b == nullptr) return;
  b->nicks.clear();
  for (const auto& u : users) {
    b->nicks.push_back({u.nickname, u.online, u.presence == chatcore::Presence::away, u.room_operator,
                        u.server_operator});
  }
  // As IRC clients list them: operators first among those online.
  const auto rank = [](const Member& m) { return m.server_operator ? 0 : m.room_operator ? 1 : 2; };
  std::sort(b->nicks.begin(), b->nicks.end(), [&](auto& x, auto& y) {
    return std::tuple(!x.online, rank(x), x.nick) < std::tuple(!y.online, rank(y), y.nick);
  });
}

// Joins and leaves keep a known nick list current between two refreshes.
void ChatState::note_member(const std::string& room, const std::string& who, bool present) {
  Buffer* b = buffers_.find(BufferId::room(room));
  if (b == nullptr || b->nicks.empty()) return;
  std::erase_if(b->nicks, [&](auto& m) { return m.nick == who; });
  if (!present) return;
  const auto at = std::find_if(b->nicks.begin(), b->nicks.end(), [&](auto& m) {
    return !m.online || (!m.room_operator && !m.server_operator && m.nick > who);  // after the operators
  });
  b->nicks.insert(at, Member{who, true});
}

std::vector<RoomEntry> ChatState::rooms() const {
  std::vector<RoomEntry> out;
  for (const Buffer& b : buffers_.all()) {
    if (b.id.kind != BufferKind::dm) out.push_back({b.id.name, b.members, b.unread});
  }
  return out;
}

std::vector<DmEntry> ChatState::dms() const {
  std::vector<const Buffer*> dm;
  for (const Buffer& b : buffers_.all()) {
    if (b.id.kind == BufferKind::dm) dm.push_back(&b);
  }
  std::sort(dm.begin(), dm.end(), [](auto* a, auto* b) { return a->touched > b->touched; });
  std::vector<DmEntry> out;
  for (const Buffer* b : dm) out.push_back({b->id.name, b->unread});
  return out;
}

Buffer& ChatState::room_entry(const std::string& name) {
  if (name.empty()) return buffers_.open(BufferId::server());
  const BufferId id = BufferId::room(name);
  const bool fresh = buffers_.find(id) == nullptr;
  Buffer& buf = buffers_.open(id);
  if (auto early = early_.find(name); fresh && early != early_.end()) {
    buf.lines = std::move(early->second.lines);
    buf.seen = std::move(early->second.seen);
    early_.erase(early);
  }
  return buf;
}

Buffer& ChatState::room_buffer(const std::string& room) {
  if (room.empty()) return buffers_.open(BufferId::server());
  if (Buffer* b = buffers_.find(BufferId::room(room))) return *b;
  return early_[room];
}

Buffer& ChatState::dm_buffer(const std::string& partner) { return buffers_.open(BufferId::dm(partner)); }

const std::deque<Line>& ChatState::lines() const { return current().lines; }

void ChatState::push(Buffer& buf, Line line) {
  if (line.message_id != 0 && (line.kind == LineKind::message)) buf.seen.insert({line.message_id, line.time_ms});
  if (buf.scroll > 0) {
    buf.scroll += static_cast<int>(display_lines(line, show_time, message_width_).size());
    ++buf.unseen;
  }
  buf.lines.push_back(std::move(line));
  if (buf.lines.size() > kMaxLines) buf.lines.pop_front();
}

Buffer& ChatState::on_screen() { return buffers_.focused(); }

void ChatState::add_system(std::string text) { push(on_screen(), make_line(LineKind::system, 0, {}, std::move(text))); }
void ChatState::note_connection(const std::string& text, bool error) {
  const LineKind kind = error ? LineKind::error : LineKind::system;
  push(on_screen(), make_line(kind, 0, {}, text));
  // the lobby keeps the connection's story, wherever one was reading when it happened
  if (current().id.kind != BufferKind::server) push(buffers_.open(BufferId::server()), make_line(kind, 0, {}, text));
}

void ChatState::add_error(std::string text) { push(on_screen(), make_line(LineKind::error, 0, {}, std::move(text))); }

void ChatState::add_own_message(const std::string& text, std::uint64_t client_msg_id, bool action) {
  to_live();
  push(on_screen(), own_line(text, client_msg_id, action));
}

void ChatState::add_own_room_message(const std::string& room, const std::string& text,
                                     std::uint64_t client_msg_id, bool action) {
  Buffer& b = room_buffer(room);
  if (&b == &on_screen()) to_live();
  push(b, own_line(text, client_msg_id, action));
}

Line ChatState::own_line(const std::string& text, std::uint64_t client_msg_id, bool action) const {
  Line l = make_line(LineKind::message, 0, nick, text);
  l.own = true;
  l.action = action;
  l.client_msg_id = client_msg_id;
  return l;
}

void ChatState::mark_not_sent(std::uint64_t client_msg_id) {
  for (Buffer& b : buffers_.all()) {
    for (Line& l : b.lines) {
      if (l.own && l.kind == LineKind::message && l.client_msg_id == client_msg_id) {
        l.failed = true;
        l.changed();
      }
    }
  }
}

void ChatState::add_own_dm(const std::string& to, const std::string& text, std::uint64_t client_msg_id,
                           bool action) {
  Buffer& buf = dm_buffer(to);
  buffers_.touch(buf);
  Line l = make_line(LineKind::dm_out, 0, to, text);
  l.own = true;
  l.action = action;
  l.client_msg_id = client_msg_id;
  // Sent from another buffer, it shows there too, as irssi does, so /dm is never silent. Its
  // echo may have come first: each buffer gets it once.
  const auto add_once = [&](Buffer& b) {
    for (const Line& shown : b.lines) {
      if (shown.kind == LineKind::dm_out && client_msg_id != 0 && shown.client_msg_id == client_msg_id) return;
    }
    push(b, l);
  };
  if (current().id != buf.id) add_once(on_screen());
  add_once(buf);
}

void ChatState::clear_buffer() {
  on_screen().lines.clear();
  to_live();
}

std::string ChatState::set_option(const std::string& name, const std::string& value) {
  if (value != "on" && value != "off") return "/set " + name + ": on or off";
  if (name == "timestamps") {
    show_time = value == "on";
  } else if (name == "nicklist") {
    show_nicks = value == "on";
  } else if (name == "colours" || name == "colors") {
    show_colours = value == "on";
  } else {
    return "/set: no option " + name + " (timestamps, nicklist, colours)";
  }
  add_system(name + " " + value);
  return {};
}

void ChatState::scroll_by(int display_lines) {
  Buffer& b = on_screen();
  b.scroll = std::max(0, b.scroll + display_lines);
  if (b.scroll == 0) b.unseen = 0;
}

void ChatState::to_live() {
  on_screen().scroll = 0;
  on_screen().unseen = 0;
}

void ChatState::clamp_scroll(int max_scroll) {
  Buffer& b = on_screen();
  b.scroll = std::clamp(b.scroll, 0, std::max(0, max_scroll));
  if (b.scroll == 0) b.unseen = 0;
}

}  // namespace chat
