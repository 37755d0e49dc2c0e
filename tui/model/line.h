// One entry of a message buffer (a room message, a DM, a join, a file notice, a system note)
// and how it is formatted for the message pane: "[alice]: hello", "* bob joined", ...
#pragma once

#include <chatcore/types.h>

#include <cstdint>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

namespace chat {

enum class LineKind { message, joined, left, nick, dm_in, dm_out, file, history, system, error };

// A line as last wrapped for the message pane; stale once the width or the time setting
// differs, or the line was changed (Line::changed), so a frame re-wraps only what changed.
struct WrapCache {
  int cells = -1;
  bool show_time = false;
  std::vector<std::string> rows;
};

struct Line {
  LineKind kind = LineKind::system;
  std::int64_t time_ms = 0;  // unix ms; 0 = unknown
  std::string who;           // sender, DM partner, the member who joined/left
  std::string text;          // message text, leave reason, new nickname, or the note
  chatcore::FileInfo file;   // for LineKind::file
  bool replay = false;       // replayed history
  bool missed = false;       // sent while this client was away, replayed on resume
  bool mention = false;      // mentions the user's nickname
  bool own = false;          // written by the user
  bool failed = false;       // the user's message the server refused
  bool action = false;       // "/me": shown as "* alice waves"
  std::uint64_t message_id = 0;
  std::uint64_t client_msg_id = 0;
  mutable WrapCache wrapped;

  // Call after changing a field that shows (time, failed, ...): the next frame re-wraps it.
  void changed() { wrapped.cells = -1; }
};

inline Line make_line(LineKind kind, std::int64_t time_ms, std::string who, std::string text) {
  Line l;
  l.kind = kind;
  l.time_ms = time_ms;
  l.who = std::move(who);
  l.text = std::move(text);
  return l;
}

// Display attribute of a line or a cell (bits).
enum Attr : unsigned {
  attr_normal = 0,
  attr_bold = 1,
  attr_reverse = 2,
  attr_dim = 4,
  attr_highlight = 8,
  attr_error = 16,
  attr_accent = 32,
};

// The text shown for a line, sanitised; `show_time` adds "HH:MM " (local time).
std::string format_line(const Line& line, bool show_time);
unsigned line_attr(const Line& line);

// Nick colours: a stable hash of the nickname into kNickColours slots (1..kNickColours), so a
// person has the same colour in every buffer and session; the view maps a slot to a colour
// of the terminal's palette (8 or 256 colours).
inline constexpr int kNickColours = 12;
int nick_colour(std::string_view nick);
// Where the sender's name sits in the first display row of a room message (first cell,
// cells), for its colour; cells is 0 for a line that shows no sender that way.
std::pair<int, int> nick_span(const Line& line, bool show_time);

// True when `text` mentions `nick` as a word (case-insensitive).
bool mentions(std::string_view text, std::string_view nick);

// The line wrapped to the message pane: continuation lines are indented two cells. Served
// from the line's cache while it is fresh.
const std::vector<std::string>& display_lines(const Line& line, bool show_time, int cells);
// How many times a line was actually wrapped since start-up (for tests of the cache).
std::uint64_t wrap_count();

}  // namespace chat
