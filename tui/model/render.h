// The renderer: lays the chat state, the input line (or a path prompt) and the login prompts
// out into a TextGrid for a given terminal size. Pure; the curses view copies the result.
#pragma once

#include "grid.h"
#include "layout.h"
#include "line_editor.h"
#include "path_prompt.h"
#include "state.h"

#include <string>

namespace chat {

struct Frame {
  TextGrid grid;
  int cursor_row = 0;
  int cursor_col = 0;
};

// `prompt` (may be null) replaces the input line while a path prompt is open.
Frame render_chat(const ChatState& state, LineEditor& input, PathPrompt* prompt, int rows, int cols);

// The layout for this state: the nick list only where a room is on screen and it is wanted.
Layout chat_layout(const ChatState& state, int rows, int cols);
// "lobby", "#room", "@nick": how a buffer is named on screen and in /buffer.
std::string buffer_label(const BufferId& id);

// How far the message pane can scroll up for this state and pane size.
int max_scroll(const ChatState& state, const Layout& layout);

// The start-up screen: asks for the server address or the nickname.
struct LoginScreen {
  std::string label;    // "Server" or "Nickname"
  std::string hint;     // below the field
  std::string error;    // why the last attempt failed
  bool busy = false;    // connecting: the field is read-only
};
Frame render_login(const LoginScreen& screen, LineEditor& field, int rows, int cols);

}  // namespace chat
