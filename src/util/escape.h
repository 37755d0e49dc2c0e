// Quoting text that came from a client (names, ids, free-text fields) into status messages
// and log lines: nothing in the result can move a cursor, reorder or hide text, or end a line.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chatcore::util {

// Long enough for any valid name or id; a quoted string longer than this is cut.
inline constexpr std::size_t kQuoteChars = 64;

// `text` with control, format, separator, unassigned and private-use characters escaped
// (`\n`, `\x1b`, `<U+202E>`), invalid UTF-8 bytes as `\xff`, backslashes doubled, and cut after
// `max_chars` code points with a trailing "…". Printable text is unchanged.
std::string escape(std::string_view text, std::size_t max_chars = kQuoteChars);

// JSON string contents (no quotes): `"`, `\` and every control character escaped, invalid
// UTF-8 replaced by U+FFFD.
std::string json_escape(std::string_view text);

}  // namespace chatcore::util
