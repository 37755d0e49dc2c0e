// Tab completion of the input line: commands after a leading "/", nicknames ("nick: " at the
// start of a line), "#rooms" and the arguments of /-commands (a nickname, a room, or the file
// /download takes); repeated Tab cycles, Shift-Tab back.
#pragma once

#include "line_editor.h"

#include <cstddef>
#include <string>
#include <vector>

namespace chat {

class ChatState;

struct CompletionSources {
  std::vector<std::string> nicks;  // most recently seen first
  std::vector<std::string> rooms;  // without '#'
  std::vector<std::string> files;  // what /download takes for each known file, newest first
};

// Who spoke or joined on screen lately, the room's other members, DM partners (never
// oneself), the rooms one is in, and the files one was offered or listed: by name where
// /download can take the name (one word, no other file of that name), else by id.
CompletionSources completion_sources(const ChatState& state);

class Completer {
 public:
  // Tab (`step` +1) or Shift-Tab (-1): the word before the cursor becomes the next (previous)
  // candidate. A line changed since the last completion starts a new cycle. False: no candidate.
  bool complete(LineEditor& input, const CompletionSources& sources, int step);

 private:
  std::vector<std::string> candidates_;
  std::size_t start_ = 0;   // where the completed word begins
  int index_ = 0;
  std::string left_text_;   // the line as the last completion left it
  std::size_t left_cursor_ = 0;
};

}  // namespace chat
