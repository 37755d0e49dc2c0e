#include "key_handlers.h"

#include <algorithm>
#include <utility>

namespace chat {
namespace {

constexpr int kWheelLines = 3;  // one notch of the wheel, as most terminals scroll

// PgUp or the wheel; at the top of the scrollback the server is asked for older lines.
KeyEffect scroll_up(ChatState& state, const Layout& layout, int lines) {
  state.scroll_by(lines);
  const int top = max_scroll(state, layout);
  state.clamp_scroll(top);
  KeyEffect effect = KeyEffect::repaint();
  if (state.scroll() >= top) effect.fetch_history = state.older_history();
  return effect;
}

// Keys that mean the same on every screen; nullopt for the others.
std::optional<KeyEffect> screen_key(const Key& key) {
  if (key.kind == KeyKind::resize) return KeyEffect::repaint();
  if (key.kind == KeyKind::redraw) {
    KeyEffect e = KeyEffect::repaint();
    e.full_redraw = true;
    return e;
  }
  return std::nullopt;
}

KeyEffect prompt_key(const Key& key, ChatState& state, PathPrompt& prompt) {
  KeyEffect effect = KeyEffect::repaint();
  switch (prompt.handle_key(key)) {
    case PathPrompt::Outcome::accepted:
      effect.prompt_accepted = true;
      break;
    case PathPrompt::Outcome::cancelled:
      effect.prompt_closed = true;
      state.add_system("cancelled");
      break;
    case PathPrompt::Outcome::none:
    case PathPrompt::Outcome::changed:
      break;
  }
  return effect;
}

// While /close asks about a room: y (or Enter) leaves it, any other key keeps it.
KeyEffect confirm_key(const Key& key, ChatState& state) {
  const std::string room = std::exchange(state.confirm_close, std::string());
  const bool yes = key.kind == KeyKind::enter || (key.kind == KeyKind::character && (key.ch == U'y' || key.ch == U'Y'));
  if (yes) return KeyEffect::run("/leave " + room);
  state.add_system("still in #" + room);
  return KeyEffect::repaint();
}

// The end of a bracketed paste: one line goes into the field being edited, several are held
// for a confirmation (they would otherwise go out one per line break).
KeyEffect paste_end(ChatState& state, LineEditor& input, PathPrompt* prompt) {
  std::vector<std::string> lines = state.paste.finish();
  if (lines.empty()) return KeyEffect::none();
  LineEditor& field = prompt != nullptr ? prompt->editor() : input;
  if (lines.size() == 1 || prompt != nullptr) {
    std::string text;
    for (const std::string& line : lines) text += (text.empty() ? "" : " ") + line;
    field.replace(field.cursor(), field.cursor(), text);
    return KeyEffect::repaint();
  }
  if (state.current().id.kind == BufferKind::server) {
    state.add_error("a paste of " + std::to_string(lines.size()) +
                    " lines needs a room or a DM: the lobby takes no messages");
    return KeyEffect::repaint();
  }
  state.held_paste = HeldPaste{state.current().id, std::move(lines)};
  return KeyEffect::repaint();
}

// While a paste is held: Enter sends it, Esc drops it; other keys wait.
KeyEffect held_paste_key(const Key& key, ChatState& state) {
  if (key.kind == KeyKind::interrupt) return KeyEffect::stop();
  KeyEffect effect = KeyEffect::repaint();
  if (key.kind == KeyKind::enter) {
    effect.paste_accepted = true;
  } else if (key.kind == KeyKind::escape) {
    state.add_system("paste of " + std::to_string(state.held_paste->lines.size()) + " lines dropped");
    state.held_paste.reset();
  } else {
    return KeyEffect::none();
  }
  return effect;
}

}  // namespace

KeyEffect handle_chat_key(const Key& key, ChatState& state, LineEditor& input, Completer& completer,
                          PathPrompt* prompt, const Layout& layout) {
  if (auto common = screen_key(key)) return *common;
  if (key.kind == KeyKind::paste_start) {
    state.paste.start();
    return KeyEffect::none();
  }
  if (state.paste.collecting()) {
    if (key.kind == KeyKind::paste_end) return paste_end(state, input, prompt);
    state.paste.feed(key);
    return KeyEffect::none();
  }
  if (prompt != nullptr) return prompt_key(key, state, *prompt);
  if (state.held_paste) return held_paste_key(key, state);
  if (!state.confirm_close.empty() && key.kind != KeyKind::unknown && key.kind != KeyKind::alt) {
    return confirm_key(key, state);
  }
  const int page = std::max(1, layout.messages.rows - 2);
  switch (key.kind) {
    case KeyKind::interrupt:
      return KeyEffect::stop();
    case KeyKind::enter:
      return KeyEffect::run(input.submit());
    case KeyKind::page_up:
      return scroll_up(state, layout, page);
    case KeyKind::page_down:
      state.scroll_by(-page);
      return KeyEffect::repaint();
    case KeyKind::wheel_up:
      return scroll_up(state, layout, kWheelLines);
    case KeyKind::wheel_down:
      state.scroll_by(-kWheelLines);
      return KeyEffect::repaint();
    case KeyKind::next_room:
    case KeyKind::prev_room:
      state.focus_next(key.kind == KeyKind::next_room ? 1 : -1);
      return KeyEffect::repaint();
    case KeyKind::buffer_number:
      // Alt-0 is the tenth, as in WeeChat
      return KeyEffect::repaint(state.focus_number(key.ch == U'0' ? 10 : static_cast<int>(key.ch - U'0')));
    case KeyKind::next_active:
      return KeyEffect::repaint(state.focus_active());
    case KeyKind::toggle_nicks:
      state.show_nicks = !state.show_nicks;
      return KeyEffect::repaint();
    case KeyKind::alt: {
      const auto bound = state.key_bindings.find(key.ch);
      if (!bound) return KeyEffect::none();  // unbound: ignored, never typed
      switch (bound->to) {
        case BufferSwitch::To::next: state.focus_next(1); return KeyEffect::repaint();
        case BufferSwitch::To::previous: state.focus_next(-1); return KeyEffect::repaint();
        case BufferSwitch::To::active: return KeyEffect::repaint(state.focus_active());
        case BufferSwitch::To::number: return KeyEffect::repaint(state.focus_number(bound->number));
      }
      return KeyEffect::none();
    }
    case KeyKind::tab:
    case KeyKind::back_tab:
      return KeyEffect::repaint(
          completer.complete(input, completion_sources(state), key.kind == KeyKind::tab ? 1 : -1));
    case KeyKind::end:
      input.handle_key(key);
      state.to_live();
      return KeyEffect::repaint();
    default:
      return KeyEffect::repaint(input.handle_key(key));  // nothing changed: no redraw
  }
}

KeyEffect handle_login_key(const Key& key, LoginScreen& screen, LineEditor& field, bool busy) {
  if (auto common = screen_key(key)) return *common;
  if (key.kind == KeyKind::interrupt || key.kind == KeyKind::escape) return KeyEffect::stop();
  if (busy) return KeyEffect::none();
  if (key.kind == KeyKind::enter) {
    if (field.text().empty()) return KeyEffect::none();
    return KeyEffect::run(field.text());
  }
  if (field.handle_key(key)) screen.error.clear();
  return KeyEffect::repaint();
}

}  // namespace chat
