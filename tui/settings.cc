// The settings the user changes from the chat (/set, /ignore, /save) and chat.conf, where they
// are kept: what the file said at start is the copy each change is written over.
#include "app.h"

namespace chat {

void App::apply_start_settings() {
  state_.show_time = options_.timestamps;
  state_.show_nicks = options_.nicklist;
  state_.show_colours = options_.colours;
  term_.set_colours(options_.colours);
  for (const std::string& nick : options_.saved.ignore) state_.ignored.add(nick);
  for (const std::string& key : options_.saved.keys) {
    const std::string error = state_.key_bindings.add(key);
    if (!error.empty()) state_.add_error("chat.conf: " + error);
  }
}

bool App::settings_changed() {
  Settings& saved = options_.saved;
  saved.timestamps = state_.show_time;
  saved.nicklist = state_.show_nicks;
  saved.colours = state_.show_colours;
  saved.ignore = state_.ignored.names();
  const std::string error = write_settings(options_.settings_path, saved);
  if (!error.empty()) state_.add_error("not saved: " + error);
  return error.empty();
}

void App::save_command(const Command&) {
  options_.saved.server = state_.server;
  options_.saved.nick = state_.nick;
  if (settings_changed()) state_.add_system("saved to " + options_.settings_path.string());
}

}  // namespace chat
