#include "command.h"

#include <array>
#include <utility>

namespace chat {
namespace {

struct Spec {
  std::string_view name;
  CommandKind kind;
  int min_args;
  int max_args;  // -1: the last argument takes the rest of the line
  std::string_view usage;
};

constexpr std::array kSpecs = {
    Spec{"rooms", CommandKind::rooms, 0, 0, "/rooms"},
    Spec{"create", CommandKind::create, 1, 1, "/create NAME"},
    Spec{"join", CommandKind::join, 1, 1, "/join NAME"},
    Spec{"leave", CommandKind::leave, 0, 0, "/leave"},
    Spec{"part", CommandKind::leave, 0, 0, "/leave"},
    Spec{"nick", CommandKind::nick, 1, 1, "/nick NAME"},
    Spec{"users", CommandKind::users, 0, 0, "/users"},
    Spec{"who", CommandKind::who, 0, 0, "/who"},
    Spec{"names", CommandKind::who, 0, 0, "/who"},
    Spec{"dm", CommandKind::dm, 2, -1, "/dm NICK TEXT"},
    Spec{"msg", CommandKind::dm, 2, -1, "/msg NICK TEXT"},
    Spec{"w", CommandKind::dm, 2, -1, "/w NICK TEXT"},
    Spec{"upload", CommandKind::upload, 0, 1, "/upload [PATH]"},
    Spec{"sendfile", CommandKind::sendfile, 1, 2, "/sendfile NICK [PATH]"},
    Spec{"files", CommandKind::files, 0, 0, "/files"},
    Spec{"download", CommandKind::download, 1, 2, "/download FILE [DEST] [--force]"},
    Spec{"time", CommandKind::time, 0, 0, "/time"},
    Spec{"help", CommandKind::help, 0, 0, "/help"},
    Spec{"quit", CommandKind::quit, 0, 0, "/quit"},
    Spec{"exit", CommandKind::quit, 0, 0, "/quit"},
};

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
  for (const Spec& spec : kSpecs) {
    if (spec.name != name) continue;
    Command cmd{spec.kind, {}};
    if (spec.kind == CommandKind::download) {
      std::string_view word;
      while (!(word = next_word(rest)).empty()) {
        if (word == "--force" || word == "-f") cmd.force = true;
        else cmd.args.emplace_back(word);
      }
    } else {
      while (!trim(rest).empty()) {
        if (spec.max_args < 0 && static_cast<int>(cmd.args.size()) + 1 == spec.min_args) {
          cmd.args.emplace_back(trim(rest));
          break;
        }
        cmd.args.emplace_back(next_word(rest));
      }
    }
    const int n = static_cast<int>(cmd.args.size());
    if (n < spec.min_args || (spec.max_args >= 0 && n > spec.max_args)) {
      return CommandError{"usage: " + std::string(spec.usage)};
    }
    return cmd;
  }
  return CommandError{"unknown command /" + std::string(name) + " (try /help)"};
}

const std::vector<std::string>& help_lines() {
  static const std::vector<std::string> lines = {
      "TEXT                     send TEXT to the current room (//TEXT sends /TEXT)",
      "/rooms                   list rooms with member counts",
      "/create NAME             create a room and join it",
      "/join NAME               join a room (leaves the current one)",
      "/leave                   go back to the lobby",
      "/nick NAME               change your nickname",
      "/users                   everyone online and where they are",
      "/who                     members of this room",
      "/dm NICK TEXT            direct message (also /msg, /w)",
      "/upload [PATH]           send a file to this room (no PATH: path prompt)",
      "/sendfile NICK [PATH]    send a file to one user",
      "/files                   numbered list of files you may download",
      "/download FILE [DEST] [--force]  FILE = id, number from /files or name",
      "/time                    show or hide HH:MM timestamps",
      "/help                    this list",
      "/quit                    leave (Ctrl-C too)",
      "Keys: PgUp/PgDn scroll, End back to live, Up/Down history, Tab completes paths,",
      "      Ctrl-U clear line, Ctrl-W delete word, Ctrl-L redraw",
  };
  return lines;
}

}  // namespace chat
