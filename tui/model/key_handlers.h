// What each key does to the model, and what it asks of the application in return (redraw,
// quit, run a line, the prompt's outcome), as htop's HandlerResult: testable without a terminal.
#pragma once

#include "completion.h"
#include "keys.h"
#include "layout.h"
#include "line_editor.h"
#include "path_prompt.h"
#include "render.h"
#include "state.h"

#include <optional>
#include <string>

namespace chat {

struct KeyEffect {
  bool redraw = false;
  bool full_redraw = false;  // Ctrl-L: repaint every cell, not only the changed ones
  bool quit = false;
  std::optional<std::string> submit;  // a line to run (chat) or the field's text (login)
  bool prompt_accepted = false;       // the app takes the prompt and runs its action
  bool prompt_closed = false;         // cancelled: the app drops the prompt
  bool paste_accepted = false;        // Enter on a held paste: the app sends state.held_paste
  std::optional<HistoryFetch> fetch_history;  // scrolled to the top: the app fetches older lines

  static KeyEffect none() { return {}; }
  static KeyEffect repaint(bool changed = true) {
    KeyEffect e;
    e.redraw = changed;
    return e;
  }
  static KeyEffect stop() {
    KeyEffect e;
    e.quit = true;
    return e;
  }
  static KeyEffect run(std::string line) {
    KeyEffect e = repaint();
    e.submit = std::move(line);
    return e;
  }
};

// In the chat screen; `prompt` (may be null) is the open path prompt, which takes every key.
KeyEffect handle_chat_key(const Key& key, ChatState& state, LineEditor& input, Completer& completer,
                          PathPrompt* prompt, const Layout& layout);

// On the server or nickname screen; `busy` while connecting (the field is read-only).
KeyEffect handle_login_key(const Key& key, LoginScreen& screen, LineEditor& field, bool busy);

}  // namespace chat
