#include "command.h"

#include "moderation.h"

#include <algorithm>
#include <array>
#include <utility>

namespace chat {
namespace {

// The one table of commands: parsing, the usage errors and /help all read it (the app runs
// each kind with its own handler). An alias has no help text of its own.
constexpr std::array kSpecs = {
    CommandSpec{"rooms", CommandKind::rooms, 0, 0, "/rooms", "list rooms with member counts"},
    CommandSpec{"me", CommandKind::me, 1, -1, "/me ACTION", "say what you do: * alice waves"},
    CommandSpec{"topic", CommandKind::topic, 0, -1, "/topic [TEXT|-lock|-unlock]",
                "show or set the topic of this room; -lock: only its operators may set it"},
    CommandSpec{"away", CommandKind::away, 0, -1, "/away [MESSAGE]", "away with MESSAGE, or back without one"},
    CommandSpec{"whois", CommandKind::whois, 1, 1, "/whois NICK", "presence, rooms and away message of NICK"},
    CommandSpec{"list", CommandKind::rooms, 0, 0, "/rooms", ""},
    CommandSpec{"create", CommandKind::create, 1, 1, "/create NAME", "create a room and join it"},
    CommandSpec{"join", CommandKind::join, 1, 1, "/join NAME", "join a room too and show it (or show one you are in)"},
    CommandSpec{"leave", CommandKind::leave, 0, 1, "/leave [ROOM]", "leave ROOM (default: the one shown)"},
    CommandSpec{"part", CommandKind::leave, 0, 1, "/leave [ROOM]", ""},
    CommandSpec{"nick", CommandKind::nick, 1, 1, "/nick NAME", "change your nickname"},
    CommandSpec{"users", CommandKind::users, 0, 0, "/users", "everyone online and where they are"},
    CommandSpec{"who", CommandKind::who, 0, 0, "/who", "members of this room"},
    CommandSpec{"names", CommandKind::who, 0, 0, "/who", ""},
    CommandSpec{"dm", CommandKind::dm, 2, -1, "/dm NICK TEXT", "direct message (also /msg, /w)"},
    CommandSpec{"msg", CommandKind::dm, 2, -1, "/msg NICK TEXT", ""},
    CommandSpec{"w", CommandKind::dm, 2, -1, "/w NICK TEXT", ""},
    CommandSpec{"query", CommandKind::query, 1, 1, "/query NICK", "open a DM buffer with NICK and show it"},
    CommandSpec{"buffer", CommandKind::buffer, 1, 1, "/buffer N|NAME", "show buffer N, #room or @nick (also /win)"},
    CommandSpec{"win", CommandKind::buffer, 1, 1, "/win N|NAME", ""},
    CommandSpec{"close", CommandKind::close, 0, 0, "/close", "leave the room shown (asks first), or close a DM"},
    CommandSpec{"upload", CommandKind::upload, 0, 1, "/upload [PATH]",
                "send a file to this room (no PATH: path prompt)"},
    CommandSpec{"sendfile", CommandKind::sendfile, 1, 2, "/sendfile NICK [PATH]",
                "send a file to one user"},
    CommandSpec{"files", CommandKind::files, 0, 0, "/files", "numbered list of files you may download"},
    CommandSpec{"download", CommandKind::download, 1, 2, "/download FILE [DEST] [--force]",
                "FILE = id, number from /files or name"},
    CommandSpec{"cancel", CommandKind::cancel, 0, 1, "/cancel [N]",
                "stop transfer N (from the top; default: the newest); the server keeps nothing of it"},
    CommandSpec{"ignore", CommandKind::ignore, 0, 1, "/ignore [NICK]",
                "hide NICK's messages and DMs (here only, kept in chat.conf; no NICK: the list)"},
    CommandSpec{"unignore", CommandKind::unignore, 1, 1, "/unignore NICK", "show NICK's messages again"},
    CommandSpec{"kick", CommandKind::kick, 1, -1, "/kick [-s] NICK [REASON]",
                "remove NICK from this room (-s or in the lobby: from the server); operators only"},
    CommandSpec{"ban", CommandKind::ban, 1, -1, "/ban [-s] NICK [DURATION] [REASON]",
                "ban NICK from this room or (-s) the server, for DURATION (30s, 10m, 2h, 1d, 1w) or until lifted"},
    CommandSpec{"unban", CommandKind::unban, 1, 1, "/unban [-s] NICK", "lift NICK's ban here or (-s) on the server"},
    CommandSpec{"mute", CommandKind::mute, 1, -1, "/mute [-s] NICK [DURATION] [REASON]",
                "NICK may read but not send here or (-s) anywhere, for DURATION or until lifted"},
    CommandSpec{"unmute", CommandKind::unmute, 1, 1, "/unmute [-s] NICK", "let NICK send again"},
    CommandSpec{"motd", CommandKind::motd, 0, -1, "/motd [TEXT|--clear]",
                "show the message of the day, or set it (server operators)"},
    CommandSpec{"time", CommandKind::time, 0, 0, "/time", "show or hide HH:MM timestamps"},
    CommandSpec{"set", CommandKind::set, 2, 2, "/set timestamps|nicklist|colours on|off",
                "timestamps, the nick list or colours on or off (kept in chat.conf)"},
    CommandSpec{"save", CommandKind::save, 0, 0, "/save", "keep the server, nickname and settings in chat.conf"},
    CommandSpec{"clear", CommandKind::clear, 0, 0, "/clear", "empty the buffer on screen (here only)"},
    CommandSpec{"help", CommandKind::help, 0, 1, "/help [COMMAND]", "this list, or one command and its aliases"},
    CommandSpec{"quit", CommandKind::quit, 0, 0, "/quit", "leave (Ctrl-C too)"},
    CommandSpec{"exit", CommandKind::quit, 0, 0, "/quit", ""},
};

constexpr std::size_t kHelpColumn = 25;

std::string help_line(std::string_view usage, std::string_view text) {
  std::string line(usage);
  line += usage.size() < kHelpColumn ? std::string(kHelpColumn - usage.size(), ' ') : "  ";
  return line += text;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits off the first word of `rest`.
std::string_view next_word(std::string_view& rest) {
  rest = trim(rest);
  const std::size_t end = rest.find(' ');
  std::string_view word = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  return word;
}

}  // namespace

std::variant<Command, CommandError> parse_command(std::string_view line) {
  if (trim(line).empty()) return CommandError{};
  if (line.front() != '/' || line.starts_with("//")) {
    // "//text" sends "/text"
    return Command{CommandKind::say, {std::string(line.starts_with("//") ? line.substr(1) : line)}};
  }
  std::string_view rest = line.substr(1);
  const std::string_view name = next_word(rest);
  for (const CommandSpec& spec : kSpecs) {
    if (spec.name != name) continue;
    Command cmd{spec.kind, {}};
    if (is_moderation(spec.kind)) {
      if (auto error = parse_moderation(spec, rest, cmd)) return CommandError{*error};
      return cmd;
    }
    if (spec.kind == CommandKind::download) {
      std::string_view word;
      while (!(word = next_word(rest)).empty()) {
        if (word == "--force" || word == "-f") cmd.force = true;
        else cmd.args.emplace_back(word);
      }
    } else {
      while (!trim(rest).empty()) {
        if (spec.max_args < 0 && static_cast<int>(cmd.args.size()) + 1 == std::max(spec.min_args, 1)) {
          cmd.args.emplace_back(trim(rest));
          break;
        }
        cmd.args.emplace_back(next_word(rest));
      }
    }
    const bool names_room = spec.kind == CommandKind::create || spec.kind == CommandKind::join ||
                            spec.kind == CommandKind::leave;
    // "#general" is how rooms are shown, so it is accepted wherever a room is named
    if (names_room && !cmd.args.empty() && cmd.args[0].starts_with('#')) cmd.args[0].erase(0, 1);
    const int n = static_cast<int>(cmd.args.size());
    if (n < spec.min_args || (spec.max_args >= 0 && n > spec.max_args)) {
      return CommandError{"usage: " + std::string(spec.usage)};
    }
    return cmd;
  }
  return CommandError{"unknown command /" + std::string(name) + " (try /help)"};
}

std::span<const CommandSpec> command_specs() { return kSpecs; }

std::vector<std::string> help_for(std::string_view name) {
  if (name.starts_with('/')) name.remove_prefix(1);
  const CommandSpec* named = nullptr;
  for (const CommandSpec& spec : kSpecs) {
    if (spec.name == name) named = &spec;
  }
  if (named == nullptr) return {};
  std::vector<std::string> out;
  std::string names;
  int count = 0;
  for (const CommandSpec& spec : kSpecs) {
    if (spec.kind != named->kind) continue;
    if (!spec.help.empty() && out.empty()) out.push_back(help_line(spec.usage, spec.help));
    names += (names.empty() ? "/" : " /") + std::string(spec.name);
    ++count;
  }
  if (count > 1) out.push_back("names: " + names);
  return out;
}

const std::vector<std::string>& help_lines() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> out = {help_line("TEXT", "send TEXT to the current room (//TEXT sends /TEXT)")};
    for (const CommandSpec& spec : kSpecs) {
      if (!spec.help.empty()) out.push_back(help_line(spec.usage, spec.help));
    }
    out.emplace_back("Keys: Alt-1..Alt-9, Alt-0 buffer 1..10, Ctrl-N/Ctrl-P or Alt-Right/Left next/previous,");
    out.emplace_back("      Alt-A next with activity, Alt-N nick list on/off, PgUp/PgDn scroll,");
    out.emplace_back("      End back to live, Up/Down history, Tab/Shift-Tab complete, Ctrl-L redraw;");
    out.emplace_back("      Home/End (Ctrl-A/E), Ctrl-Left/Right or Alt-B/F by word, Ctrl-D/Delete,");
    out.emplace_back("      Ctrl-U line, Ctrl-W/Alt-Backspace word, Ctrl-K to end; Ctrl-Y yanks it back");
    return out;
  }();
  return lines;
}

}  // namespace chat
