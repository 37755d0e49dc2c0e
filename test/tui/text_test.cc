// Cell widths, wrapping and the sanitiser.
#include "cells.h"
#include "sanitize.h"

#include <doctest/doctest.h>

using namespace chat;

TEST_CASE("cell widths follow wcwidth: ASCII 1, Hangul and emoji 2, combining 0") {
  CHECK(text_width("hello") == 5);
  CHECK(text_width("한국어") == 6);
  CHECK(text_width("😀") == 2);
  CHECK(text_width("e\xCC\x81") == 1);  // e + combining acute
  CHECK(text_width("漢字abc") == 7);
}

TEST_CASE("invalid UTF-8 decodes byte by byte as U+FFFD") {
  const Decoded d = decode_utf8("\xC3(", 0);
  CHECK(d.ch == 0xFFFD);
  CHECK(d.bytes == 1);
  CHECK(decode_utf8("\xE2\x82\xAC", 0).ch == 0x20AC);
  CHECK(decode_utf8("\xC0\x80", 0).ch == 0xFFFD);  // overlong
}

TEST_CASE("boundaries step over whole characters") {
  const std::string s = "a한😀";
  CHECK(next_boundary(s, 0) == 1);
  CHECK(next_boundary(s, 1) == 4);
  CHECK(next_boundary(s, 4) == 8);
  CHECK(prev_boundary(s, 8) == 4);
  CHECK(prev_boundary(s, 4) == 1);
  CHECK(prev_boundary(s, 1) == 0);
}

TEST_CASE("a grapheme cluster is one glyph: a ZWJ family and a flag take two cells") {
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";
  const std::string flag = "\U0001F1F0\U0001F1F7";
  CHECK(text_width(family) == 2);
  CHECK(text_width(flag) == 2);
  CHECK(text_width("a" + family + flag + "b") == 6);
  CHECK(text_width("\u1100\u1161\u11A8") == 2);  // Hangul jamo L+V+T make one syllable
  const std::string s = "a" + family + flag;
  CHECK(next_boundary(s, 0) == 1);
  CHECK(next_boundary(s, 1) == 1 + family.size());
  CHECK(next_boundary(s, 1 + family.size()) == s.size());
  CHECK(prev_boundary(s, s.size()) == 1 + family.size());
  CHECK(prev_boundary(s, 1 + family.size()) == 1);
  CHECK(fit_width(family + family, 3) == family);
}

TEST_CASE("fit_width never splits a wide character") {
  CHECK(fit_width("한국어", 3) == "한");
  CHECK(fit_width("한국어", 4) == "한국");
  CHECK(pad_to_width("ab", 4) == "ab  ");
  CHECK(pad_to_width("abcdef", 4) == "abc…");
  CHECK(text_width(pad_to_width("한국어한국어", 5)) == 5);
}

TEST_CASE("wrap breaks at spaces, by cells, with an indent") {
  const auto lines = wrap("hello big world", 9, 2);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "hello big");
  CHECK(lines[1] == "  world");
  const auto hangul = wrap("가나다라마바", 5);
  REQUIRE(hangul.size() == 3);
  CHECK(hangul[0] == "가나");
  for (const auto& l : hangul) CHECK(text_width(l) <= 5);
  const auto long_word = wrap("abcdefghij", 4);
  CHECK(long_word == std::vector<std::string>{"abcd", "efgh", "ij"});
  CHECK(wrap("", 10) == std::vector<std::string>{""});
}

TEST_CASE("the sanitiser shows control characters and escapes inert") {
  CHECK(sanitize("plain 한 😀") == "plain 한 😀");
  CHECK(sanitize("\x1b[2J\x1b]0;pwned\x07") == "^[[2J^[]0;pwned^G");
  CHECK(sanitize("a\nb\tc\r") == "a^Jb^Ic^M");
  CHECK(sanitize("del\x7f") == "del^?");
  CHECK(sanitize("\xC2\x9B" "31m") == "<U+009B>31m");  // C1 CSI
  CHECK(sanitize("bad\xFF") == "bad\xEF\xBF\xBD");
  CHECK(sanitize("\xE2\x80\xAE" "txt") == "<U+202E>txt");
  CHECK(is_clean("fine"));
  CHECK_FALSE(is_clean("\x1b"));
  for (char c = 0; c < 0x20; ++c) CHECK(sanitize(std::string(1, c)).find(c) == std::string::npos);
}
