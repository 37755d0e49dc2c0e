// The client's state model: identity and connection, rooms with member/unread counts, one
// message buffer per room (DMs and notes go to the one on screen), the DM sidebar, known files
// and running transfers. Events and command results change it; the renderer reads it.
#pragma once

#include "line.h"
#include "progress.h"

#include <chatcore/event.h>
#include <chatcore/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace chat {

enum class Connection { connecting, connected, reconnecting, closed };

struct RoomEntry {
  std::string name;  // "" = the lobby
  std::uint32_t members = 0;
  int unread = 0;
};

struct DmEntry {
  std::string partner;
  int unread = 0;
};

struct Buffer {
  std::deque<Line> lines;
  std::set<std::uint64_t> seen;  // message ids, so a replay after rejoining adds nothing twice
};

class ChatState {
 public:
  static constexpr std::size_t kMaxLines = 5000;

  // What an event asks of the terminal besides a redraw.
  struct Effect {
    bool bell = false;
    bool shutdown = false;
  };
  Effect apply(const chatcore::Event& event);

  // Identity and connection.
  std::string nick;
  std::string server;       // address
  std::string server_name;  // from Welcome
  chatcore::Limits limits;
  Connection connection = Connection::connecting;
  std::string connection_note;  // "retrying in 2s", the shutdown reason, ...
  bool show_time = false;

  const std::string& room() const { return room_; }
  void welcome(const chatcore::Welcome& w);
  // After a join, create or leave succeeded: the room the user is in now ("" = lobby).
  void entered_room(const chatcore::RoomInfo& info);
  void set_rooms(const std::vector<chatcore::RoomInfo>& rooms);
  const std::vector<RoomEntry>& rooms() const { return rooms_; }
  const std::vector<DmEntry>& dms() const { return dms_; }  // newest first

  // Lines the user caused, added to the buffer on screen.
  void add_system(std::string text);
  void add_error(std::string text);
  void add_own_message(const std::string& text, std::uint64_t client_msg_id);
  // The server refused the message sent with this id: it stays, marked "(not sent)".
  void mark_not_sent(std::uint64_t client_msg_id);
  void add_own_dm(const std::string& to, const std::string& text, std::uint64_t client_msg_id);

  const std::deque<Line>& lines() const;  // the buffer on screen

  // Scrollback, in display lines above the live end; the renderer clamps it.
  int scroll() const { return scroll_; }
  int unseen() const { return unseen_; }  // lines that arrived while scrolled up
  void scroll_by(int display_lines);      // positive: up into history
  void to_live();
  void clamp_scroll(int max_scroll);
  void set_message_width(int cells) { message_width_ = cells; }

  // Files: those announced or listed, numbered by the last /files.
  void remember_files(const std::vector<chatcore::FileInfo>& files, bool numbered);
  const std::vector<chatcore::FileInfo>& listed_files() const { return listed_; }
  // FILE as typed in /download: a number from /files, an id, or a unique name.
  std::variant<chatcore::FileInfo, std::string> resolve_file(const std::string& token) const;

  std::map<int, Transfer> transfers;  // by id, in start order

 private:
  // state_events.cc: one per event kind; a new kind fails to compile until it has one.
  void on(const chatcore::Welcome& w, std::int64_t at, Effect& effect);
  void on(const chatcore::RoomMessage& m, std::int64_t at, Effect& effect);
  void on(const chatcore::DirectMessage& d, std::int64_t at, Effect& effect);
  void on(const chatcore::MemberJoined& j, std::int64_t at, Effect& effect);
  void on(const chatcore::MemberLeft& l, std::int64_t at, Effect& effect);
  void on(const chatcore::NickChanged& n, std::int64_t at, Effect& effect);
  void on(const chatcore::FileNotice& f, std::int64_t at, Effect& effect);
  void on(const chatcore::HistoryReplay& h, std::int64_t at, Effect& effect);
  void on(const chatcore::ShutdownNotice& s, std::int64_t at, Effect& effect);
  void on(const chatcore::CaughtUp& c, std::int64_t at, Effect& effect);
  void on(const chatcore::HistoryGap& g, std::int64_t at, Effect& effect);

  Buffer& buffer(const std::string& room);
  void push(const std::string& room, Line line);
  void touch_dm(const std::string& partner, bool incoming);
  RoomEntry& room_entry(const std::string& name);

  std::string room_;
  std::map<std::string, Buffer> buffers_;
  std::vector<RoomEntry> rooms_ = {RoomEntry{}};
  std::vector<DmEntry> dms_;
  std::vector<chatcore::FileInfo> known_;
  std::vector<chatcore::FileInfo> listed_;
  int scroll_ = 0;
  int unseen_ = 0;
  int message_width_ = 80;
};

}  // namespace chat
