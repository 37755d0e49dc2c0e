// The client's buffers, as WeeChat and irssi have them: the lobby (the server buffer, for
// notices), one per room one is in and one per DM partner, each with its own scrollback,
// scroll position and hotlist counts; one of them is focused (on screen, where text goes).
#pragma once

#include "line.h"

#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat {

enum class BufferKind { server, room, dm };

struct BufferId {
  BufferKind kind = BufferKind::server;
  std::string name;  // the room or the DM partner; "" for the server buffer
  bool operator==(const BufferId&) const = default;

  static BufferId server() { return {}; }
  static BufferId room(std::string name) { return {BufferKind::room, std::move(name)}; }
  static BufferId dm(std::string partner) { return {BufferKind::dm, std::move(partner)}; }
};

struct Member {
  std::string nick;
  bool online = true;
  bool away = false;
  bool room_operator = false;    // the room's creator: "@" in the nick list
  bool server_operator = false;  // "~"
};

struct Buffer {
  BufferId id;
  std::deque<Line> lines;
  // (message id, sent time) of what is shown, so a replay after rejoining or resuming adds
  // nothing twice, while a server that restarted without its history may reuse an id.
  std::set<std::pair<std::uint64_t, std::int64_t>> seen;
  int scroll = 0;   // display lines above the live end
  int unseen = 0;   // lines that arrived while scrolled up
  int unread = 0;   // lines that arrived while another buffer was on screen
  bool highlight = false;  // among them a mention or a DM
  std::uint32_t members = 0;  // rooms
  std::string topic;          // rooms; "" when none is set
  std::vector<Member> nicks;  // rooms: online first, by name
  std::uint64_t touched = 0;  // DMs: when last written or read, for the newest-first list
  // Older history paged in from the server (rooms): a page is on its way (so a held PgUp asks
  // once); the server has nothing older; the last page failed (no retry until a new session).
  bool history_pending = false;
  bool history_complete = false;
  bool history_failed = false;
};

class BufferList {
 public:
  BufferList();

  // In order: the server buffer, the rooms by name, then the DMs in the order they opened.
  const std::list<Buffer>& all() const { return buffers_; }
  std::list<Buffer>& all() { return buffers_; }
  Buffer* find(const BufferId& id);
  const Buffer* find(const BufferId& id) const;
  // The buffer `id`, opened in its place if it was not there.
  Buffer& open(const BufferId& id);
  // Closes a room or DM buffer; when it was focused, the focus moves to the next one of the
  // same kind, else to the one before. The server buffer stays.
  void close(const BufferId& id);

  Buffer& focused();
  const Buffer& focused() const;
  // Shows a buffer that is open and clears its hotlist counts; false if there is none.
  bool focus(const BufferId& id);
  bool focus_number(int number);  // 1-based, as Alt-1..Alt-0 and /buffer N count
  void focus_next(int delta);     // around the list
  // Alt-A: the next buffer holding a mention or a DM, else the next with unread lines.
  bool focus_active();
  int number_of(const BufferId& id) const;  // 1-based; 0 if not open
  // "/buffer NAME": "lobby", "#room" or "room", "@nick" or "nick" (a room wins over a DM).
  std::optional<BufferId> find_by_name(std::string_view name) const;

  // A line arrived in `buffer`: counted in the hotlist unless it is on screen.
  void notify(Buffer& buffer, bool highlight);
  // A DM was written or read: its buffer moves to the top of the newest-first list.
  void touch(Buffer& buffer) { buffer.touched = ++clock_; }

 private:
  std::list<Buffer> buffers_;
  BufferId focused_;
  std::uint64_t clock_ = 0;
};

}  // namespace chat
