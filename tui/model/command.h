// The command parser: turns a submitted input line into a Command (plain text or one of the
// slash commands with its arguments), or an error message saying how to use it.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chat {

enum class CommandKind {
  say, rooms, create, join, leave, nick, users, who, dm, upload, sendfile, files, download,
  time, help, quit,
};

struct Command {
  CommandKind kind = CommandKind::say;
  std::vector<std::string> args;  // `say`: the text; `dm`: nick, text; see parse_command
  bool force = false;             // /download ... --force
};

struct CommandError {
  std::string message;
};

// Empty or blank input yields an error with an empty message (nothing to do).
std::variant<Command, CommandError> parse_command(std::string_view line);

// One line per command for /help and the docs.
const std::vector<std::string>& help_lines();

}  // namespace chat
