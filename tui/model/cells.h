// Cell-width utilities: UTF-8 decoding, grapheme clusters and the number of terminal cells each
// takes (combining marks 0, Hangul/CJK/emoji 2, a ZWJ family or a flag 2), so text wraps and aligns.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chat {

// One decoded character; `bytes` is its length in the source (1 for an invalid byte,
// which decodes as U+FFFD).
struct Decoded {
  char32_t ch = 0;
  std::size_t bytes = 0;
};

Decoded decode_utf8(std::string_view text, std::size_t pos);
void append_utf8(std::string& out, char32_t ch);

// Terminal cells of one printable code point: 0, 1 or 2 (controls count as 0; sanitise first).
int char_width(char32_t ch);
// Terminal cells of one grapheme cluster (what next_boundary delimits): 0, 1 or 2.
int cluster_width(std::string_view cluster);
int text_width(std::string_view text);

// Byte index of the grapheme cluster before/after `pos` (a cluster boundary), so a cursor
// never lands inside a character drawn as one glyph (e + accent, a ZWJ family, a flag).
std::size_t prev_boundary(std::string_view text, std::size_t pos);
std::size_t next_boundary(std::string_view text, std::size_t pos);

// The longest prefix that fits in `cells` cells (never splits a grapheme cluster).
std::string_view fit_width(std::string_view text, int cells);

// Pads with spaces or truncates (ending with "…" when cut) to exactly `cells` cells.
std::string pad_to_width(std::string_view text, int cells);

// What to send the terminal for one grapheme cluster the grid gave `cells` cells (1 or 2):
// exactly `cells` entries, each drawn in one cell ("" for the right half of a wide one).
// Terminals disagree on clusters of several visible code points, so those are sent as parts
// whose widths every terminal knows: a flag as its two letters, one cell each; a ZWJ sequence
// as its first emoji; a narrow character in a wide slot followed by a space. Variation
// selector 16 (which some terminals widen and others do not) is left out.
std::vector<std::string> terminal_cells(std::string_view cluster, int cells);

// Breaks text into lines of at most `cells` cells, at spaces when it can.
// Continuation lines start with `indent` spaces.
std::vector<std::string> wrap(std::string_view text, int cells, int indent = 0);

}  // namespace chat
