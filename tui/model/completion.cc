#include "completion.h"

#include "command.h"
#include "state.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace chat {
namespace {

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(a) == lower(b);
  });
}

enum class Arg { none, nick, room, file };

// What the first argument of a command names.
Arg argument_of(std::string_view command) {
  for (const CommandSpec& spec : command_specs()) {
    if (spec.name != command) continue;
    switch (spec.kind) {
      case CommandKind::join:
      case CommandKind::leave: return Arg::room;
      case CommandKind::download: return Arg::file;
      case CommandKind::dm:
      case CommandKind::query:
      case CommandKind::sendfile:
      case CommandKind::whois:
      case CommandKind::kick:
      case CommandKind::ban:
      case CommandKind::unban:
      case CommandKind::mute:
      case CommandKind::unmute: return Arg::nick;
      default: return Arg::none;
    }
  }
  return Arg::none;
}

// The candidates for `word`, which begins at `start` of `line`, each as it replaces the word.
std::vector<std::string> candidates(std::string_view line, std::size_t start, std::string_view word,
                                    const CompletionSources& sources) {
  std::vector<std::string> out;
  auto add = [&](const std::vector<std::string>& names, std::string_view mark, std::string_view prefix,
                 std::string_view suffix) {
    for (const std::string& name : names) {
      if (starts_with_nocase(name, prefix)) out.push_back(std::string(mark) + name + std::string(suffix));
    }
  };
  if (start == 0 && word.starts_with('/')) {
    std::set<std::string_view> names;  // sorted, each alias once
    for (const CommandSpec& spec : command_specs()) names.insert(spec.name);
    for (std::string_view name : names) {
      if (starts_with_nocase(name, word.substr(1))) out.push_back(fmt::format("/{} ", name));
    }
    return out;
  }
  if (word.starts_with('#')) {
    add(sources.rooms, "#", word.substr(1), " ");
    return out;
  }
  if (line.starts_with('/')) {
    const std::string_view command = line.substr(1, line.find(' ') - 1);
    // the first argument, after any -s/--server of the moderation commands
    std::string_view before = line.substr(0, start);
    before.remove_prefix(std::min(before.size(), line.find(' ') + 1));
    while (before.starts_with("-s ") || before.starts_with("--server ")) before.remove_prefix(before.find(' ') + 1);
    const bool first_arg = before.empty();
    const Arg arg = first_arg ? argument_of(command) : Arg::none;
    if (arg == Arg::room) add(sources.rooms, "", word, " ");
    if (arg == Arg::nick) add(sources.nicks, "", word, " ");
    if (arg == Arg::file) add(sources.files, "", word, " ");
    return out;
  }
  add(sources.nicks, "", word, start == 0 ? ": " : " ");
  return out;
}

}  // namespace

CompletionSources completion_sources(const ChatState& state) {
  CompletionSources s;
  std::set<std::string> seen = {state.nick};
  auto note = [&](const std::string& nick) {
    if (!nick.empty() && seen.insert(nick).second) s.nicks.push_back(nick);
  };
  const auto& lines = state.lines();
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    switch (it->kind) {
      case LineKind::message:
      case LineKind::joined:
      case LineKind::dm_in:
      case LineKind::dm_out:
      case LineKind::file: note(it->who); break;
      default: break;
    }
  }
  for (const Member& m : state.current().nicks) note(m.nick);
  for (const DmEntry& dm : state.dms()) note(dm.partner);
  for (const RoomEntry& room : state.rooms()) {
    if (!room.name.empty()) s.rooms.push_back(room.name);
  }
  const auto& files = state.known_files();
  for (auto it = files.rbegin(); it != files.rend(); ++it) {
    const bool by_name =
        !it->name.empty() && it->name.find(' ') == std::string::npos &&
        std::count_if(files.begin(), files.end(), [&](const auto& f) { return f.name == it->name; }) == 1;
    s.files.push_back(by_name ? it->name : it->id);
  }
  return s;
}

bool Completer::complete(LineEditor& input, const CompletionSources& sources, int step) {
  const bool cycling = !candidates_.empty() && input.text() == left_text_ && input.cursor() == left_cursor_;
  std::size_t end = input.cursor();
  if (cycling) {
    index_ = (index_ + step + static_cast<int>(candidates_.size())) % static_cast<int>(candidates_.size());
  } else {
    const std::string& text = input.text();
    const std::size_t space = text.rfind(' ', end == 0 ? 0 : end - 1);
    start_ = space == std::string::npos || end == 0 ? 0 : space + 1;
    if (end > 0 && text[end - 1] == ' ') start_ = end;
    candidates_ = candidates(text, start_, std::string_view(text).substr(start_, end - start_), sources);
    if (candidates_.empty()) return false;
    index_ = step > 0 ? 0 : static_cast<int>(candidates_.size()) - 1;
  }
  if (cycling) end = left_cursor_;
  input.replace(start_, end, candidates_[static_cast<std::size_t>(index_)]);
  left_text_ = input.text();
  left_cursor_ = input.cursor();
  return true;
}

}  // namespace chat
