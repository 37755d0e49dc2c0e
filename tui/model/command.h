// The command parser: turns a submitted input line into a Command (plain text or one of the
// slash commands with its arguments), or an error message saying how to use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace chat {

enum class CommandKind {
  say, me, topic, away, whois, rooms, create, join, leave, nick, users, who, dm, query, buffer, close, upload, sendfile,
  files, download, cancel, ignore, unignore, kick, ban, unban, mute, unmute, motd, time, set, save, clear, help, quit,
};
inline constexpr std::size_t kCommandKinds = static_cast<std::size_t>(CommandKind::quit) + 1;

// One row of the command table: a name (aliases are rows of their own), its argument count,
// the usage shown when it is wrong, and its /help text (empty for an alias).
struct CommandSpec {
  std::string_view name;
  CommandKind kind;
  int min_args;
  int max_args;  // -1: the last argument takes the rest of the line
  std::string_view usage;
  std::string_view help;
};

struct Command {
  CommandKind kind = CommandKind::say;
  std::vector<std::string> args;  // `say`: the text; `dm`: nick, text; see parse_command
  bool force = false;             // /download ... --force
  // Moderation (see moderation.h): args are NICK and the reason, if any.
  bool server_wide = false;       // -s / --server
  std::int64_t duration_s = 0;    // /ban, /mute: 0 until lifted
};

struct CommandError {
  std::string message;
};

// Empty or blank input yields an error with an empty message (nothing to do).
std::variant<Command, CommandError> parse_command(std::string_view line);

std::span<const CommandSpec> command_specs();
// /help, made from the table: one line per command, then the keys.
const std::vector<std::string>& help_lines();
// /help COMMAND (with or without its "/"): its line of /help, then every name it goes by
// when it has aliases.
// Empty for a name the table does not have.
std::vector<std::string> help_for(std::string_view name);

}  // namespace chat
