// The sanitiser: text from the network is shown inert. Control characters become caret
// notation (ESC -> "^["), C1 controls "<U+009B>", invalid UTF-8 U+FFFD; nothing raw reaches the terminal.
#pragma once

#include <string>
#include <string_view>

namespace chat {

std::string sanitize(std::string_view text);

// True when `text` is already inert (sanitize would return it unchanged).
bool is_clean(std::string_view text);

}  // namespace chat
