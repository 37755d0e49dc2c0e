// chat.conf, the client's settings file: where it is, reading it (CLI11's config parser, so
// TOML or INI) and writing it back. The app applies command-line flags over what it says.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace chat {

struct Settings {
  std::string server;  // empty: ask
  std::string nick;    // empty: ask
  bool timestamps = true;
  bool nicklist = true;
  bool colours = true;
  std::vector<std::string> ignore;
  std::vector<std::string> keys;  // buffer switching: "M-j next" (see key_bindings.h)
};

// $XDG_CONFIG_HOME/chatcore/chat.conf, else ~/.config/chatcore/chat.conf (either may be null
// or empty); empty when neither is known.
std::filesystem::path settings_path(const char* xdg_config_home, const char* home);

// Reads `path` over `out`; a missing file changes nothing. An error message (the file, and
// what is wrong in it), or empty.
std::string read_settings(const std::filesystem::path& path, Settings& out);

// Writes every setting to `path` as TOML through a temporary file renamed over it, so a
// crash never leaves half a file. An error message, or empty.
std::string write_settings(const std::filesystem::path& path, const Settings& settings);

}  // namespace chat
