#include "curses/terminal.h"

#include "model/escape_keys.h"

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncursesw/curses.h>

#include <poll.h>
#include <string_view>
#include <sys/ioctl.h>
#include <unistd.h>

namespace chat {

namespace {

void write_control(std::string_view sequence) {
  fflush(stdout);
  [[maybe_unused]] const ssize_t n = ::write(STDOUT_FILENO, sequence.data(), sequence.size());
}

}  // namespace

Terminal::Terminal() {
  initscr();
  active_ = true;
  cbreak();    // Ctrl-C stays a signal, handled by the event loop's signal_set
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);  // the event loop waits for input; get_wch never blocks
  set_escdelay(25);
  define_missing_keys();
  // Bracketed paste: the terminal wraps pasted text in ESC [200~ ... ESC [201~, so a paste's
  // line breaks are told apart from Enter (the key handler holds a multi-line paste).
  write_control("\x1b[?2004h");
  // Only the wheel: clicks and drags stay unreported, but a terminal reporting the mouse no
  // longer selects text by itself (Shift with the mouse does, in xterm, tmux and most others).
  mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, nullptr);
  mouseinterval(0);
  if (has_colors()) {
    start_color();
    use_default_colors();
    init_pair(1, COLOR_YELLOW, -1);  // highlight: mentions, unread counts
    init_pair(2, COLOR_RED, -1);     // errors
    init_pair(3, COLOR_CYAN, -1);    // DMs, files, transfers
    // Nick colours: readable on dark and light backgrounds; with 8 colours the six that are
    // neither black nor white, in turn.
    static constexpr short wide[kNickColours] = {160, 28, 136, 25, 127, 30, 166, 64, 94, 61, 133, 31};
    static constexpr short basic[] = {COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE, COLOR_MAGENTA, COLOR_CYAN};
    for (int slot = 1; slot <= kNickColours; ++slot) {
      const short colour = COLORS >= 256 ? wide[slot - 1] : basic[(slot - 1) % 6];
      init_pair(static_cast<short>(kNickPairs + slot), colour, -1);
    }
  }
}

Terminal::~Terminal() { restore(); }

void Terminal::restore() {
  if (!active_) return;
  active_ = false;
  write_control("\x1b[?2004l");
  endwin();
}

// Codes of our own for the sequences terminfo lacks, above every code ncurses hands out.
void Terminal::define_missing_keys() {
  int next_code = KEY_MAX + 1;
  for (const KeySequence& seq : extra_key_sequences()) {
    const std::string bytes(seq.bytes);
    int code = key_defined(bytes.c_str());
    if (code == 0 && define_key(bytes.c_str(), next_code) == OK) code = next_code++;
    // a code terminfo already gives (kLFT5 under xterm) keeps its first meaning
    if (code > 0) extra_codes_.emplace(code, seq.kind);
  }
}

std::optional<Key> Terminal::read_key() {
  std::optional<Key> key = read_plain_key();
  if (!key || key->kind != KeyKind::escape) return key;
  // ncurses hands back an ESC it could not match after ESCDELAY, with the rest still queued
  EscapeDecoder decoder;
  while (auto next = read_plain_key()) {
    if (auto decoded = decoder.feed(*next)) return decoded;
  }
  return decoder.finish();
}

std::optional<Key> Terminal::read_plain_key() {
  wint_t ch = 0;
  const int kind = get_wch(&ch);
  if (kind == ERR) return std::nullopt;
  if (kind == KEY_CODE_YES) {
    switch (ch) {
      case KEY_LEFT: return Key::of(KeyKind::left);
      case KEY_RIGHT: return Key::of(KeyKind::right);
      case KEY_UP: return Key::of(KeyKind::up);
      case KEY_DOWN: return Key::of(KeyKind::down);
      case KEY_HOME:
      case KEY_FIND: return Key::of(KeyKind::home);  // vt220 sends Find/Select for Home/End
      case KEY_END:
      case KEY_SELECT: return Key::of(KeyKind::end);
      case KEY_BTAB: return Key::of(KeyKind::back_tab);
      case KEY_PPAGE: return Key::of(KeyKind::page_up);
      case KEY_NPAGE: return Key::of(KeyKind::page_down);
      case KEY_BACKSPACE: return Key::of(KeyKind::backspace);
      case KEY_DC: return Key::of(KeyKind::del);
      case KEY_ENTER: return Key::of(KeyKind::enter);
      case KEY_RESIZE: return Key::of(KeyKind::resize);
      case KEY_MOUSE: {
        MEVENT event{};
        if (getmouse(&event) != OK) return Key::of(KeyKind::unknown);
        if (event.bstate & BUTTON4_PRESSED) return Key::of(KeyKind::wheel_up);
        if (event.bstate & BUTTON5_PRESSED) return Key::of(KeyKind::wheel_down);
        return Key::of(KeyKind::unknown);
      }
      default: {
        const auto extra = extra_codes_.find(static_cast<int>(ch));
        return Key::of(extra != extra_codes_.end() ? extra->second : KeyKind::unknown);
      }
    }
  }
  switch (ch) {
    case '\r':
    case '\n': return Key::of(KeyKind::enter);
    case '\t': return Key::of(KeyKind::tab);
    case 27: return Key::of(KeyKind::escape);
    case 127:
    case 8: return Key::of(KeyKind::backspace);
    case 1: return Key::of(KeyKind::home);       // Ctrl-A
    case 5: return Key::of(KeyKind::end);        // Ctrl-E
    case 21: return Key::of(KeyKind::kill_line);  // Ctrl-U
    case 23: return Key::of(KeyKind::kill_word);  // Ctrl-W
    case 11: return Key::of(KeyKind::kill_to_end);  // Ctrl-K
    case 25: return Key::of(KeyKind::yank);       // Ctrl-Y
    case 14: return Key::of(KeyKind::next_room);  // Ctrl-N
    case 16: return Key::of(KeyKind::prev_room);  // Ctrl-P
    case 12: return Key::of(KeyKind::redraw);     // Ctrl-L
    case 3: return Key::of(KeyKind::interrupt);   // Ctrl-C
    case 4: return Key::of(KeyKind::eof);         // Ctrl-D
    default:
      if (ch < 0x20) return Key::of(KeyKind::unknown);
      return Key::character(static_cast<char32_t>(ch));
  }
}

bool Terminal::hung_up() const {
  pollfd fd{STDIN_FILENO, POLLIN, 0};
  return poll(&fd, 1, 0) == 1 && (fd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}

int Terminal::rows() const { return LINES; }
int Terminal::cols() const { return COLS; }

void Terminal::update_size() {
  winsize ws{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
    resizeterm(ws.ws_row, ws.ws_col);
  }
}

void Terminal::bell() { beep(); }

void Terminal::force_full_redraw() { clearok(curscr, TRUE); }

}  // namespace chat
