#include "render.h"

#include "cells.h"
#include "sanitize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace chat {
namespace {

std::string room_name(const std::string& room) { return room.empty() ? "lobby" : "#" + room; }

std::string connection_text(const ChatState& s) {
  switch (s.connection) {
    case Connection::connecting: return "connecting";
    case Connection::connected: return s.caught_up ? "connected" : "connected, catching up";
    case Connection::reconnecting: {
      const auto seconds = static_cast<long>(std::ceil(std::max(0.0, s.retry_at - s.clock)));
      return fmt::format("reconnecting (retry in {}s{})", seconds,
                         s.connection_note.empty() ? "" : ": " + sanitize(s.connection_note));
    }
    case Connection::closed: return "disconnected" + (s.connection_note.empty() ? "" : " (" + sanitize(s.connection_note) + ")");
  }
  return {};
}

// The hotlist: every buffer by number, with its unread count; "!" marks a mention or a DM.
void draw_buffers(TextGrid& g, const Rect& r, const ChatState& s) {
  g.put(r.row, r.col, pad_to_width(" Buffers", r.cols), attr_bold);
  const auto& all = s.buffers().all();
  const int digits = all.size() >= 10 ? 2 : 1;
  int row = r.row + 1;
  int number = 0;
  for (const Buffer& b : all) {
    ++number;
    if (row >= r.row + r.rows) break;
    const bool current = b.id == s.current().id;
    const std::string count = b.unread > 0 ? fmt::format(" +{}{}", b.unread, b.highlight ? "!" : "") : "";
    const std::string left = fmt::format("{}{:>{}} {}", current ? ">" : " ", number, digits, sanitize(buffer_label(b.id)));
    const unsigned attr = current ? unsigned{attr_bold | attr_reverse} : b.unread > 0 ? unsigned{attr_bold} : 0u;
    const int col = r.col + g.put(row, r.col, pad_to_width(left, r.cols - text_width(count)), attr);
    g.put(row, col, count, b.highlight ? unsigned{attr_highlight} : unsigned{attr_bold});
    ++row;
  }
}

// The members of the room on screen: online first, operators first among them, marked as
// IRC clients mark them ("~" a server operator, "@" the room's); an offline one is dim and says so.
void draw_nicks(TextGrid& g, const Rect& r, const Buffer& room) {
  g.put(r.row, r.col, pad_to_width(fmt::format(" Nicks ({})", room.members), r.cols), attr_bold);
  int row = r.row + 1;
  for (const Member& m : room.nicks) {
    if (row >= r.row + r.rows) break;
    const std::string mark = m.server_operator ? "~" : m.room_operator ? "@" : "";
    const std::string text = " " + mark + sanitize(m.nick) + (!m.online ? " (off)" : m.away ? " (away)" : "");
    g.put(row++, r.col, pad_to_width(text, r.cols), m.online && !m.away ? 0u : unsigned{attr_dim});
  }
}

std::string title_of(const ChatState& s) {
  const Buffer& b = s.current();
  std::string title = " chatcore | ";
  switch (b.id.kind) {
    case BufferKind::server: return title + "lobby" + (s.server_name.empty() ? "" : " | " + sanitize(s.server_name));
    case BufferKind::dm: return title + "DM with " + sanitize(b.id.name);
    case BufferKind::room: break;
  }
  title += sanitize(room_name(b.id.name)) + " (" + std::to_string(b.members) + (b.members == 1 ? " member)" : " members)");
  return b.topic.empty() ? title : title + " | " + sanitize(b.topic);
}

struct Shown {
  std::string text;
  unsigned attr;
  const Line* first = nullptr;  // set on the first row of a line
};

// The last `count` display lines of the buffer, skipping `skip` from the end.
std::vector<Shown> tail_lines(const ChatState& s, int width, int skip, int count) {
  std::vector<Shown> out;  // newest first
  const auto& lines = s.lines();
  for (auto it = lines.rbegin(); it != lines.rend() && static_cast<int>(out.size()) < skip + count; ++it) {
    const auto& wrapped = display_lines(*it, s.show_time, width);
    for (auto w = wrapped.rbegin(); w != wrapped.rend(); ++w) {
      out.push_back({*w, line_attr(*it), w + 1 == wrapped.rend() ? &*it : nullptr});
    }
  }
  const int from = std::min(skip, static_cast<int>(out.size()));
  std::vector<Shown> window(out.begin() + from, out.begin() + std::min<int>(from + count, out.size()));
  std::reverse(window.begin(), window.end());
  return window;
}

void draw_messages(TextGrid& g, const Rect& r, const ChatState& s, const Layout& layout) {
  int rows = r.rows;
  const int scroll = std::min(s.scroll(), max_scroll(s, layout));
  if (scroll > 0 && rows > 1) {
    --rows;
    std::string note = s.unseen() > 0 ? " -- " + std::to_string(s.unseen()) + " new below; End returns to live --"
                                      : " -- scrolled up; End returns to live --";
    g.put(r.row + rows, r.col, pad_to_width(note, r.cols), attr_reverse);
  }
  const auto shown = tail_lines(s, r.cols, scroll, rows);
  int row = r.row + rows - static_cast<int>(shown.size());
  for (const Shown& line : shown) {
    g.put(row, r.col, line.text, line.attr, r.cols);
    if (line.attr & attr_highlight) g.paint(row, r.col, r.cols, attr_highlight);
    // others' names in their colour; one's own stays plain (the line is bold)
    if (line.first != nullptr && !line.first->own && s.show_colours) {
      const auto [at, cells] = nick_span(*line.first, s.show_time);
      g.colour(row, r.col + at, std::min(cells, r.cols - at), nick_colour(line.first->who));
    }
    ++row;
  }
}

void draw_prompt_panel(TextGrid& g, const Rect& r, const PathPrompt& p) {
  std::vector<std::string> rows;
  std::string names;
  for (const std::string& c : p.candidates()) {
    if (!names.empty() && text_width(names) + 2 + text_width(c) > r.cols - 2) {
      rows.push_back(names);
      names.clear();
    }
    names += (names.empty() ? "" : "  ") + sanitize(c);
  }
  if (!names.empty()) rows.push_back(names);
  const int max_rows = std::max(1, r.rows / 2);
  if (static_cast<int>(rows.size()) > max_rows - 1) {
    rows.resize(static_cast<std::size_t>(std::max(0, max_rows - 2)));
    rows.push_back("... (" + std::to_string(p.candidates().size()) + " matches; type more)");
  }
  std::string info = " " + p.label() + ": " + p.info();
  info += " -- " + (p.message().empty() ? std::string("Tab completes, Enter accepts, Esc cancels") : p.message());
  rows.push_back(info);
  int row = r.row + r.rows - static_cast<int>(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i, ++row) {
    const bool last = i + 1 == rows.size();
    g.put(row, r.col, pad_to_width(last ? rows[i] : " " + rows[i], r.cols), last ? attr_reverse : attr_accent);
  }
}

}  // namespace

std::string buffer_label(const BufferId& id) {
  switch (id.kind) {
    case BufferKind::server: return "lobby";
    case BufferKind::room: return "#" + id.name;
    case BufferKind::dm: return "@" + id.name;
  }
  return {};
}

Layout chat_layout(const ChatState& s, int rows, int cols) {
  const bool nicks = s.show_nicks && s.current().id.kind == BufferKind::room;
  return compute_layout(rows, cols, static_cast<int>(s.transfers.size()), nicks);
}

int max_scroll(const ChatState& s, const Layout& layout) {
  int total = 0;
  for (const Line& l : s.lines()) total += static_cast<int>(display_lines(l, s.show_time, layout.messages.cols).size());
  return std::max(0, total - std::max(1, layout.messages.rows - 1));
}

Frame render_chat(const ChatState& s, LineEditor& input, PathPrompt* prompt, int rows, int cols) {
  const Layout l = chat_layout(s, rows, cols);
  Frame f{TextGrid(rows, cols)};
  if (l.too_small) {
    f.grid.put(0, 0, "terminal too small");
    return f;
  }
  f.grid.put(0, 0, pad_to_width(title_of(s), cols), attr_reverse);
  if (l.sidebars) {
    draw_buffers(f.grid, l.buffers, s);
    for (int row = l.buffers.row; row < l.buffers.row + l.buffers.rows; ++row) {
      f.grid.fill(row, l.buffers.cols, 1, "│", attr_dim);
      if (!l.nicks.empty()) f.grid.fill(row, l.nicks.col - 1, 1, "│", attr_dim);
    }
  }
  if (!l.nicks.empty()) draw_nicks(f.grid, l.nicks, s.current());
  draw_messages(f.grid, l.messages, s, l);
  if (prompt != nullptr) draw_prompt_panel(f.grid, {l.messages.row, 0, l.messages.rows, cols}, *prompt);
  int row = l.transfers.row;
  for (const auto& [id, t] : s.transfers) {
    if (row >= l.transfers.row + l.transfers.rows) break;
    f.grid.put(row++, 0, format_transfer(t, cols), attr_accent);
  }
  std::string status = fmt::format(" {} @ {}", sanitize(s.nick.empty() ? "?" : s.nick), sanitize(s.node.empty() ? s.server : s.node)) +
                       (s.server_name.empty() ? "" : " (" + sanitize(s.server_name) + ")") + " | " +
                       connection_text(s) + " | " + sanitize(buffer_label(s.current().id));
  if (s.transfers.size() > static_cast<std::size_t>(l.transfers.rows)) {
    status += " | " + std::to_string(s.transfers.size()) + " transfers";
  }
  f.grid.put(l.status.row, 0, pad_to_width(status, cols), attr_reverse);
  if (s.held_paste && prompt == nullptr) {
    const int cells = f.grid.put(l.input.row, 0, sanitize(paste_question(*s.held_paste)), attr_reverse);
    f.cursor_row = l.input.row;
    f.cursor_col = std::min(cols - 1, cells);
    return f;
  }
  if (!s.confirm_close.empty() && prompt == nullptr) {
    const int cells = f.grid.put(l.input.row, 0, "leave " + sanitize(room_name(s.confirm_close)) + "? y/n", attr_reverse);
    f.cursor_row = l.input.row;
    f.cursor_col = std::min(cols - 1, cells);
    return f;
  }
  const std::string label = prompt != nullptr
                                ? fmt::format("{}: ", prompt->label())
                                : fmt::format("[{}] ", sanitize(buffer_label(s.current().id)));
  const int label_cells = f.grid.put(l.input.row, 0, label, attr_bold, cols / 2);
  LineEditor& editor = prompt != nullptr ? prompt->editor() : input;
  const auto view = editor.view(cols - label_cells);
  f.grid.put(l.input.row, label_cells, sanitize(view.text));
  f.cursor_row = l.input.row;
  f.cursor_col = std::min(cols - 1, label_cells + view.cursor_col);
  return f;
}

Frame render_login(const LoginScreen& screen, LineEditor& field, int rows, int cols) {
  Frame f{TextGrid(rows, cols)};
  if (rows < 6 || cols < 20) {
    f.grid.put(0, 0, "terminal too small");
    return f;
  }
  f.grid.put(0, 0, pad_to_width(" chatcore -- connect", cols), attr_reverse);
  const int top = std::max(2, rows / 2 - 3);
  const int left = std::max(1, cols / 2 - 28);
  const int width = std::min(56, cols - left - 1);
  const std::string label = screen.label + ": ";
  const int label_cells = f.grid.put(top, left, label, attr_bold);
  const auto view = field.view(width - label_cells);
  f.grid.put(top, left + label_cells, sanitize(view.text), attr_normal, width - label_cells);
  f.grid.paint(top, left + label_cells, width - label_cells, attr_reverse);
  f.grid.put(top + 2, left, sanitize(screen.busy ? "connecting..." : screen.hint), attr_dim, width);
  int row = top + 4;
  for (const std::string& line : wrap(sanitize(screen.error), width)) {
    if (row >= rows - 1) break;
    f.grid.put(row++, left, line, attr_error, width);
  }
  f.cursor_row = top;
  f.cursor_col = left + label_cells + view.cursor_col;
  return f;
}

}  // namespace chat
