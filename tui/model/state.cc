#include "state.h"

#include <algorithm>
#include <charconv>

namespace chat {
namespace {

std::string room_label(const std::string& room) { return room.empty() ? "the lobby" : "#" + room; }

}  // namespace

std::vector<std::string> ChatState::welcome(const chatcore::Welcome& w) {
  nick = w.nickname;
  server_name = w.server;
  limits = w.limits;
  connection = Connection::connected;
  connection_note.clear();
  if (w.session == session_) return {};  // the same Welcome, from login() and as an event
  const bool reconnect = !session_.empty();
  session_ = w.session;
  caught_up = w.guest;
  std::vector<std::string> rejoin;
  std::string dropped;
  for (const RoomEntry& e : std::vector<RoomEntry>(rooms_)) {
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
    room_entry(r.name).members = r.members;
    if (!known) push(r.name, make_line(LineKind::system, 0, {}, "you are in " + room_label(r.name) + " (restored)"));
  }
  if (room_.empty() && rooms_.size() > 1) room_ = rooms_[1].name;
  if (reconnect) {
    std::string back;
    for (const RoomEntry& e : rooms_) {
      if (!e.name.empty()) back += (back.empty() ? "" : ", ") + room_label(e.name);
    }
    add_system("reconnected to " + server +
               (back.empty() ? "" : rejoin.empty() ? "; back in " + back : "; joining " + back + " again"));
  }
  return rejoin;
}

bool ChatState::is_member(const std::string& name) const {
  return !name.empty() && std::any_of(rooms_.begin(), rooms_.end(), [&](auto& e) { return e.name == name; });
}

void ChatState::focus(const std::string& name) {
  if (!name.empty() && !is_member(name)) return;
  room_ = name;
  room_entry(name).unread = 0;
  scroll_ = 0;
  unseen_ = 0;
}

void ChatState::focus_next(int delta) {
  auto at = std::find_if(rooms_.begin(), rooms_.end(), [&](auto& e) { return e.name == room_; });
  const int n = static_cast<int>(rooms_.size());
  const int from = at == rooms_.end() ? 0 : static_cast<int>(at - rooms_.begin());
  focus(rooms_[static_cast<std::size_t>(((from + delta) % n + n) % n)].name);
}

void ChatState::left_room(const std::string& name) {
  auto at = std::find_if(rooms_.begin(), rooms_.end(), [&](auto& e) { return e.name == name; });
  if (name.empty() || at == rooms_.end()) return;
  const bool focused = room_ == name;
  at = rooms_.erase(at);
  if (!focused) return;
  // The neighbour below, else above; the lobby when no room is left.
  if (at == rooms_.end()) --at;
  focus(at->name);
  add_system(at->name.empty() ? "you left " + room_label(name) + "; you are in the lobby: /join or /create a room to talk"
                              : "you left " + room_label(name) + "; now in " + room_label(at->name));
}

void ChatState::entered_room(const chatcore::RoomInfo& info) {
  RoomEntry& entry = room_entry(info.name);
  entry.members = info.members;
  focus(info.name);
  // The replayed history may already be here (events and the join reply race): the note goes
  // above it, so the history stays in one piece.
  Buffer& buf = buffer(room_);
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
    if (is_member(r.name)) room_entry(r.name).members = r.members;
  }
}

RoomEntry& ChatState::room_entry(const std::string& name) {
  for (RoomEntry& e : rooms_) {
    if (e.name == name) return e;
  }
  rooms_.push_back(RoomEntry{name, 0, 0});
  std::sort(rooms_.begin() + 1, rooms_.end(), [](auto& a, auto& b) { return a.name < b.name; });
  for (RoomEntry& e : rooms_) {
    if (e.name == name) return e;
  }
  return rooms_.front();
}

void ChatState::touch_dm(const std::string& partner, bool incoming) {
  auto it = std::find_if(dms_.begin(), dms_.end(), [&](auto& d) { return d.partner == partner; });
  DmEntry entry = it == dms_.end() ? DmEntry{partner, 0} : *it;
  if (it != dms_.end()) dms_.erase(it);
  entry.unread = incoming ? entry.unread + 1 : 0;  // replying counts as reading
  dms_.insert(dms_.begin(), std::move(entry));
}

Buffer& ChatState::buffer(const std::string& room) { return buffers_[room]; }

const std::deque<Line>& ChatState::lines() const {
  static const std::deque<Line> empty;
  auto it = buffers_.find(room_);
  return it == buffers_.end() ? empty : it->second.lines;
}

void ChatState::push(const std::string& room, Line line) {
  Buffer& buf = buffer(room);
  if (line.message_id != 0 && (line.kind == LineKind::message)) buf.seen.insert({line.message_id, line.time_ms});
  if (room == room_ && scroll_ > 0) {
    scroll_ += static_cast<int>(display_lines(line, show_time, message_width_).size());
    ++unseen_;
  }
  buf.lines.push_back(std::move(line));
  if (buf.lines.size() > kMaxLines) buf.lines.pop_front();
}

void ChatState::add_system(std::string text) { push(room_, make_line(LineKind::system, 0, {}, std::move(text))); }
void ChatState::add_error(std::string text) { push(room_, make_line(LineKind::error, 0, {}, std::move(text))); }

void ChatState::add_own_message(const std::string& text, std::uint64_t client_msg_id) {
  Line l = make_line(LineKind::message, 0, nick, text);
  l.own = true;
  l.client_msg_id = client_msg_id;
  to_live();
  push(room_, std::move(l));
}

void ChatState::mark_not_sent(std::uint64_t client_msg_id) {
  for (auto& [room, buf] : buffers_) {
    for (Line& l : buf.lines) {
      if (l.own && l.kind == LineKind::message && l.client_msg_id == client_msg_id) {
        l.failed = true;
        l.changed();
      }
    }
  }
}

void ChatState::add_own_dm(const std::string& to, const std::string& text, std::uint64_t client_msg_id) {
  touch_dm(to, false);
  for (const Line& shown : buffer(room_).lines) {
    if (shown.kind == LineKind::dm_out && client_msg_id != 0 && shown.client_msg_id == client_msg_id) return;
  }
  Line l = make_line(LineKind::dm_out, 0, to, text);
  l.own = true;
  l.client_msg_id = client_msg_id;
  push(room_, std::move(l));
}

void ChatState::scroll_by(int display_lines) {
  scroll_ = std::max(0, scroll_ + display_lines);
  if (scroll_ == 0) unseen_ = 0;
}

void ChatState::to_live() {
  scroll_ = 0;
  unseen_ = 0;
}

void ChatState::clamp_scroll(int max_scroll) {
  scroll_ = std::clamp(scroll_, 0, std::max(0, max_scroll));
  if (scroll_ == 0) unseen_ = 0;
}

void ChatState::remember_files(const std::vector<chatcore::FileInfo>& files, bool numbered) {
  for (const auto& f : files) {
    auto it = std::find_if(known_.begin(), known_.end(), [&](auto& k) { return k.id == f.id; });
    if (it == known_.end()) known_.push_back(f);
    else *it = f;
  }
  if (numbered) listed_ = files;
}

std::variant<chatcore::FileInfo, std::string> ChatState::resolve_file(const std::string& token) const {
  std::size_t number = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), number);
  if (ec == std::errc() && end == token.data() + token.size() && number >= 1 && number <= listed_.size() &&
      std::none_of(known_.begin(), known_.end(), [&](auto& k) { return k.id == token; })) {
    return listed_[number - 1];
  }
  for (const auto& f : known_) {
    if (f.id == token) return f;
  }
  std::vector<chatcore::FileInfo> named;
  for (const auto& f : known_) {
    if (f.name == token) named.push_back(f);
  }
  if (named.size() == 1) return named.front();
  if (named.size() > 1) {
    return "several files are named " + token + "; use the number from /files or the id";
  }
  if (ec == std::errc() && end == token.data() + token.size() && !listed_.empty()) {
    return "no file number " + token + " (see /files)";
  }
  chatcore::FileInfo unknown;  // not seen here; let the server decide
  unknown.id = token;
  unknown.name = token;
  return unknown;
}

}  // namespace chat
