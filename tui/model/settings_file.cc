#include "settings_file.h"

#include <CLI/CLI.hpp>

#include <fstream>
#include <system_error>

namespace chat {
namespace {

// CLI11's reader takes a quoted value as it stands, without escapes: a value it could not
// read back the same is refused rather than written.
bool writable(const std::string& value) {
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string quoted(const std::string& value) { return "\"" + value + "\""; }

}  // namespace

std::filesystem::path settings_path(const char* xdg_config_home, const char* home) {
  std::filesystem::path base;
  if (xdg_config_home != nullptr && *xdg_config_home == '/') {
    base = xdg_config_home;  // the XDG spec ignores a relative value
  } else if (home != nullptr && *home != '\0') {
    base = std::filesystem::path(home) / ".config";
  } else {
    return {};
  }
  return base / "chatcore" / "chat.conf";
}

std::string read_settings(const std::filesystem::path& path, Settings& out) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::exists(path, ec)) return {};
  CLI::App reader;
  Settings read = out;
  reader.add_option("--server", read.server);
  reader.add_option("--nick", read.nick);
  reader.add_option("--timestamps", read.timestamps);
  reader.add_option("--nicklist", read.nicklist);
  reader.add_option("--colours", read.colours);
  // the file lists everyone ignored: without the key, nobody (CLI11 cannot read "[]")
  read.ignore.clear();
  reader.add_option("--ignore", read.ignore);
  read.keys.clear();
  reader.add_option("--keys", read.keys);
  reader.set_config("--config", path.string(), "", true);
  reader.allow_config_extras(CLI::config_extras_mode::error);  // a mistyped key is said, not lost
  try {
    reader.parse(std::vector<std::string>{});
  } catch (const CLI::ParseError& e) {
    return path.string() + ": " + e.what();
  }
  out = std::move(read);
  return {};
}

std::string write_settings(const std::filesystem::path& path, const Settings& s) {
  if (path.empty()) return "no place for chat.conf: neither XDG_CONFIG_HOME nor HOME is set";
  for (const std::string* value : {&s.server, &s.nick}) {
    if (!writable(*value)) return "cannot keep \"" + *value + "\" in chat.conf (quotes, backslashes, control characters)";
  }
  std::string text =
      "# chat's settings: read at start (command-line flags override them), written by /set,\n"
      "# /ignore, /unignore and /save.\n";
  if (!s.server.empty()) text += "server = " + quoted(s.server) + "\n";
  if (!s.nick.empty()) text += "nick = " + quoted(s.nick) + "\n";
  text += std::string("timestamps = ") + (s.timestamps ? "true" : "false") + "\n";
  text += std::string("nicklist = ") + (s.nicklist ? "true" : "false") + "\n";
  text += std::string("colours = ") + (s.colours ? "true" : "false") + "\n";
  std::string list;
  for (const std::string& nick : s.ignore) {
    if (!writable(nick)) continue;  // such a name cannot be a nickname anyway
    list += (list.empty() ? "" : ", ") + quoted(nick);
  }
  if (!list.empty()) text += "ignore = [" + list + "]\n";
  std::string keys;
  for (const std::string& key : s.keys) {
    if (writable(key)) keys += (keys.empty() ? "" : ", ") + quoted(key);
  }
  if (!keys.empty()) text += "keys = [" + keys + "]\n";

  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return "cannot create " + path.parent_path().string() + ": " + ec.message();
  std::filesystem::path temp = path;
  temp += ".new";
  {
    std::ofstream file(temp, std::ios::trunc);
    file << text;
    file.flush();
    if (!file) return "cannot write " + temp.string();
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) {
    const std::string why = ec.message();
    std::filesystem::remove(temp, ec);
    return "cannot replace " + path.string() + ": " + why;
  }
  return {};
}

}  // namespace chat
