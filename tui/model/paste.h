// A bracketed paste as it arrives (the keys between the terminal's start and end marks) and,
// once it spans lines, held until the user confirms it, so a stray paste never floods a room.
#pragma once

#include "buffers.h"
#include "keys.h"

#include <optional>
#include <string>
#include <vector>

namespace chat {

class Paste {
 public:
  bool collecting() const { return collecting_; }
  void start();
  // A key inside the paste: text and line breaks are kept, everything else is dropped.
  void feed(const Key& key);
  // The end mark: the pasted lines, without trailing blank ones.
  std::vector<std::string> finish();

 private:
  bool collecting_ = false;
  std::string text_;
};

// Lines waiting for Enter (send them to `to`) or Esc (drop them).
struct HeldPaste {
  BufferId to;
  std::vector<std::string> lines;
};

// The confirmation shown in the input line: "send 15 lines to #general? Enter/Esc".
std::string paste_question(const HeldPaste& held);

}  // namespace chat
