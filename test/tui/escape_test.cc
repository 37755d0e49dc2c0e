// What the terminal makes of the keys that follow an ESC: Alt-keys bound to editing, the
// Escape key alone, and unknown sequences swallowed whole.
#include "escape_keys.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace chat;

namespace {

// Feeds `after` (the bytes after ESC) as plain characters; the keys that come out, in order,
// including those read after the decoder finished with a sequence.
std::vector<Key> decode(const std::u32string& after) {
  std::vector<Key> out;
  std::optional<EscapeDecoder> decoder;
  decoder.emplace();
  for (char32_t ch : after) {
    if (!decoder) {
      out.push_back(Key::character(ch));
      continue;
    }
    if (auto key = decoder->feed(Key::character(ch))) {
      out.push_back(*key);
      decoder.reset();
    }
  }
  if (decoder) out.push_back(decoder->finish());
  return out;
}

KeyKind only(const std::u32string& after) {
  const auto keys = decode(after);
  REQUIRE(keys.size() == 1);
  return keys[0].kind;
}

}  // namespace

TEST_CASE("escape: Alt-B/F move by word, Alt-Backspace kills a word, ESC alone is Escape") {
  CHECK(only(U"b") == KeyKind::word_left);
  CHECK(only(U"f") == KeyKind::word_right);
  CHECK(only(U"") == KeyKind::escape);
  EscapeDecoder d;
  CHECK(d.feed(Key::of(KeyKind::backspace))->kind == KeyKind::kill_word_back);
  EscapeDecoder arrow;
  CHECK(arrow.feed(Key::of(KeyKind::left))->kind == KeyKind::prev_room);
}

TEST_CASE("escape: an unknown sequence is swallowed whole, never text") {
  CHECK(only(U"[99~") == KeyKind::unknown);
  CHECK(only(U"[1;7P") == KeyKind::unknown);
  CHECK(only(U"Ox") == KeyKind::unknown);
  CHECK(only(U"z") == KeyKind::alt);  // an Alt-key with no meaning of its own: not text either
  CHECK(only(U"[") == KeyKind::unknown);  // cut short
  // what follows the sequence is typed text again
  const auto keys = decode(U"[2;9~hi");
  REQUIRE(keys.size() == 3);
  CHECK(keys[0].kind == KeyKind::unknown);
  CHECK(keys[1].ch == U'h');
  CHECK(keys[2].ch == U'i');
}

TEST_CASE("escape: a runaway sequence stops swallowing after a bound") {
  const auto keys = decode(U"[" + std::u32string(40, U'1') + U"x");
  REQUIRE(keys.size() > 2);
  CHECK(keys[0].kind == KeyKind::unknown);
  CHECK(keys.back().ch == U'x');
}

TEST_CASE("escape: the extra sequences cover what tmux sends, each once") {
  std::set<std::string_view> seen;
  for (const KeySequence& seq : extra_key_sequences()) {
    CHECK(seq.bytes.starts_with('\x1b'));
    CHECK(seen.insert(seq.bytes).second);
  }
  auto kind_of = [](std::string_view bytes) {
    for (const KeySequence& seq : extra_key_sequences()) {
      if (seq.bytes == bytes) return seq.kind;
    }
    return KeyKind::unknown;
  };
  CHECK(kind_of("\x1b[1~") == KeyKind::home);
  CHECK(kind_of("\x1b[4~") == KeyKind::end);
  CHECK(kind_of("\x1b[3~") == KeyKind::del);
  CHECK(kind_of("\x1b[1;5D") == KeyKind::word_left);
  CHECK(kind_of("\x1b[1;5C") == KeyKind::word_right);
  CHECK(kind_of("\x1b[Z") == KeyKind::back_tab);
}

TEST_CASE("Alt-digits pick a buffer, Alt-A the next active one, Alt-N the nick list") {
  for (char32_t digit = U'0'; digit <= U'9'; ++digit) {
    const auto keys = decode(std::u32string(1, digit));
    REQUIRE(keys.size() == 1);
    CHECK(keys[0].kind == KeyKind::buffer_number);
    CHECK(keys[0].ch == digit);
  }
  CHECK(only(U"a") == KeyKind::next_active);
  CHECK(only(U"A") == KeyKind::next_active);
  CHECK(only(U"n") == KeyKind::toggle_nicks);
  CHECK(only(U"N") == KeyKind::toggle_nicks);
}
