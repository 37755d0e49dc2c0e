// Validation of untrusted text: nicknames, room names, message bodies and file names.
// Every check returns a Status whose message a person can read.
#pragma once

#include <chatcore/status.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace chatcore::model {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s);
// Number of code points in well-formed UTF-8.
std::size_t utf8_length(std::string_view s);

// Nicknames and room names: 1..max_chars code points of printable UTF-8; no whitespace,
// control characters or bidi overrides. `what` names the field in the message ("nickname").
Status check_name(std::string_view name, std::size_t max_chars, std::string_view what);
// Message text: valid UTF-8, not blank, at most max_bytes bytes, no control characters
// other than tab and newline.
Status check_message(std::string_view text, std::size_t max_bytes);
// One line of free text that may be empty (a topic, an away message): valid UTF-8, at most
// max_bytes bytes, no control character at all. `what` names it in the message ("topic").
Status check_line(std::string_view text, std::size_t max_bytes, std::string_view what);
// Reduces a client-supplied file name to a safe display base name ("../../etc/passwd" ->
// "passwd"). INVALID_ARGUMENT when nothing usable is left, it is too long (over 255 bytes),
// not UTF-8, or holds a NUL or control character.
Result<std::string> safe_file_name(std::string_view name);

}  // namespace chatcore::model
