// The client's state model: identity and connection, the buffers (the lobby, each room one is
// in, each DM partner) with their scrollback and hotlist counts and the focused one, known
// files and running transfers. Events and command results change it; the renderer reads it.
#pragma once

#include "buffers.h"
#include "ignore_list.h"
#include "key_bindings.h"
#include "line.h"
#include "paste.h"
#include "progress.h"

#include <chatcore/client.h>
#include <chatcore/event.h>
#include <chatcore/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace chat {

enum class Connection { connecting, connected, reconnecting, closed };

// A page of a room's older history for the app to fetch: the messages before `before_id`
// (0: the newest ones).
struct HistoryFetch {
  std::string room;
  std::uint64_t before_id = 0;
  bool operator==(const HistoryFetch&) const = default;
};

// Summaries of the buffers, for lists and completion.
struct RoomEntry {
  std::string name;  // "" = the lobby
  std::uint32_t members = 0;
  int unread = 0;
};

struct DmEntry {
  std::string partner;
  int unread = 0;
};

class ChatState {
 public:
  static constexpr std::size_t kMaxLines = 5000;

  // What an event asks of the terminal besides a redraw.
  struct Effect {
    bool bell = false;
    bool shutdown = false;
    // After a reconnect: rooms the user was in that the server no longer counts it in (a
    // guest's memberships end with its session), for the app to join again.
    std::vector<std::string> rejoin;
    // Once caught up after a fresh start: the page before what each restored room shows.
    std::vector<HistoryFetch> fetch;
  };
  Effect apply(const chatcore::Event& event);
  // A notice (the event's `notice`): a topic set, someone away or back, an away reply.
  void notice(const chatcore::Event& event);
  // A moderation action (the event's `moderation`), shown where it happened (state_moderation.cc).
  void moderation(const chatcore::Event& event);
  // After login: the identity's fingerprint and the MOTD, in the server buffer.
  void note_welcome();

  // Identity and connection.
  std::string nick;
  std::string server;       // address, or the list of a cluster's nodes
  std::string node;         // of those, the one connected to (empty: `server`)
  std::string server_name;  // from Welcome
  chatcore::Limits limits;
  std::string fingerprint;  // the identity's (Welcome); empty for a guest
  std::string motd;         // the server's message of the day; empty: none
  bool server_operator = false;
  Connection connection = Connection::connecting;
  std::string connection_note;  // why the last attempt failed, the shutdown reason, ...
  // While reconnecting: when the next attempt starts, and now, in seconds of the app's clock,
  // so the status line counts down without a line per attempt.
  double retry_at = 0;
  double clock = 0;
  bool caught_up = true;        // false from an identity's Welcome until CaughtUp
  bool show_time = false;
  bool show_nicks = true;     // the nick list, where the terminal is wide enough
  bool show_colours = true;   // /set colours off: none, not even nick colours
  std::string confirm_close;  // a room /close asks about (y leaves it)
  IgnoreList ignored;  // their messages and DMs are not shown (/ignore)
  KeyBindings key_bindings;  // chat.conf's keys for buffer switching
  Paste paste;                     // a bracketed paste arriving
  std::optional<HeldPaste> held_paste;  // a paste of several lines, until Enter or Esc

  const BufferList& buffers() const { return buffers_; }
  const Buffer& current() const { return buffers_.focused(); }  // on screen
  // The focused room: where text goes ("" when the lobby or a DM buffer is on screen).
  const std::string& room() const;
  // Restores the rooms of the Welcome; after a reconnect returns the rooms to join again.
  std::vector<std::string> welcome(const chatcore::Welcome& w);
  // After a join or create succeeded: one more room, focused.
  void entered_room(const chatcore::RoomInfo& info);
  // After a leave succeeded (or the server removed the user): the room is gone from the list;
  // the focus moves to a neighbour, or the lobby.
  void left_room(const std::string& name);
  bool is_member(const std::string& name) const;
  void focus(const std::string& name);  // a room one is in, or "" for the lobby
  bool focus(const BufferId& id);
  bool focus_number(int number);  // Alt-1..Alt-0
  void focus_next(int delta);     // Ctrl-N / Ctrl-P, around the list
  bool focus_active();            // Alt-A
  // /query: the DM buffer with `partner`, opened if needed, focused.
  void open_dm(const std::string& partner);
  // /close on a DM buffer.
  void close_dm(const std::string& partner);
  // Member counts from ListRooms, for the rooms one is in.
  void set_rooms(const std::vector<chatcore::RoomInfo>& rooms);
  // The members of a room (ListUsers of the room), for its nick list.
  void set_nicks(const std::string& room, const std::vector<chatcore::UserInfo>& users);
  // The lobby first, then the rooms one is in, by name.
  std::vector<RoomEntry> rooms() const;
  std::vector<DmEntry> dms() const;  // newest first

  // A line in the server buffer (as well as on screen when asked and another is shown).
  void add_to_server(std::string text, bool also_on_screen = false);
  // Lines the user caused, added to the buffer on screen.
  void add_system(std::string text);
  void add_error(std::string text);
  // A connection lost or back: in the buffer on screen and in the lobby's.
  void note_connection(const std::string& text, bool error);
  void add_own_message(const std::string& text, std::uint64_t client_msg_id, bool action = false);
  // The same in the buffer of `room`, on screen or not (a paced paste goes on after a switch).
  void add_own_room_message(const std::string& room, const std::string& text, std::uint64_t client_msg_id,
                            bool action = false);
  // The server refused the message sent with this id: it stays, marked "(not sent)".
  void mark_not_sent(std::uint64_t client_msg_id);
  void add_own_dm(const std::string& to, const std::string& text, std::uint64_t client_msg_id,
                  bool action = false);

  const std::deque<Line>& lines() const;  // the buffer on screen

  // Scrollback of the buffer on screen, in display lines above the live end; the renderer
  // clamps it.
  int scroll() const { return current().scroll; }
  int unseen() const { return current().unseen; }  // lines that arrived while scrolled up
  void scroll_by(int display_lines);      // positive: up into history
  // /clear: the buffer on screen forgets its lines (a replay of them stays out).
  void clear_buffer();
  // /set NAME on|off (timestamps, nicklist, colours); an error message for a name or value
  // it does not know.
  std::string set_option(const std::string& name, const std::string& value);
  void to_live();
  void clamp_scroll(int max_scroll);
  // state_history.cc. The view reached the top of the buffer on screen: the page before its
  // oldest message, unless it is no room's, a page is on its way, none is older or the last
  // one failed.
  std::optional<HistoryFetch> older_history();
  // The page fetched for `want`, put above the buffer's lines (never a line twice), marked as
  // history; the view stays on the lines it showed.
  void prepend_history(const HistoryFetch& want, const chatcore::HistoryPage& page);
  void history_failed(const HistoryFetch& want, const std::string& why);
  void set_message_width(int cells) { message_width_ = cells; }

  // Files: those announced or listed, numbered by the last /files.
  void remember_files(const std::vector<chatcore::FileInfo>& files, bool numbered);
  const std::vector<chatcore::FileInfo>& listed_files() const { return listed_; }
  // Every file offered or listed this session, in the order first seen.
  const std::vector<chatcore::FileInfo>& known_files() const { return known_; }
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
  // state_notices.cc
  void on_notice(const chatcore::TopicChanged& t, std::int64_t at);
  void on_notice(const chatcore::PresenceChanged& p, std::int64_t at);
  void on_notice(const chatcore::AwayNotice& a, std::int64_t at);

  // A room's buffer if one is in it, else where its events wait for the join reply.
  Buffer& room_buffer(const std::string& room);
  Buffer& room_entry(const std::string& name);  // the room's buffer, opened if needed
  Buffer& dm_buffer(const std::string& partner);
  Buffer& on_screen();
  void push(Buffer& buffer, Line line);
  Line own_line(const std::string& text, std::uint64_t client_msg_id, bool action) const;
  void note_member(const std::string& room, const std::string& nick, bool present);
  std::optional<HistoryFetch> fetch_for(Buffer& buffer);

  std::string session_;  // token of the last Welcome: another one means a reconnect
  // An operator kicked or banned the user from the server: the ShutdownNotice that follows
  // is about that, not about the server going down.
  bool sent_off_ = false;
  BufferList buffers_;
  std::map<std::string, Buffer> early_;  // events of rooms not (yet) entered
  std::vector<std::string> restored_;    // rooms a fresh start restored, until caught up
  std::vector<chatcore::FileInfo> known_;
  std::vector<chatcore::FileInfo> listed_;
  int message_width_ = 80;
};

}  // namespace chat
