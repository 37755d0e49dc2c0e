// What follows an ESC that terminfo did not decode: Alt-letters and digits, Alt-Backspace, and escape
// sequences nobody knows, which are swallowed whole instead of reaching the input as text.
#pragma once

#include "keys.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace chat {

// Sequences terminals and multiplexers send that the current TERM's terminfo may lack (tmux
// sends Home as ESC [ 1 ~ whatever TERM says): the terminal defines each one it does not know.
struct KeySequence {
  std::string_view bytes;
  KeyKind kind;
};
std::span<const KeySequence> extra_key_sequences();

// Fed the keys read after an ESC, one at a time. A key read with nothing queued after the
// ESC means the Escape key itself; an unknown sequence becomes KeyKind::unknown.
class EscapeDecoder {
 public:
  // The decoded key once the sequence is complete; nullopt while it is still open.
  std::optional<Key> feed(const Key& next);
  // Nothing more is waiting: what the keys fed so far amount to.
  Key finish() const;

 private:
  enum class Stage { after_escape, csi, ss3 };
  Stage stage_ = Stage::after_escape;
  int length_ = 0;
  std::string parameters_;  // of a CSI sequence so far
};

}  // namespace chat
