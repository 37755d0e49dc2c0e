#include "escape_keys.h"

namespace chat {
namespace {

// A CSI sequence longer than this is not a key; stop swallowing input after it.
constexpr int max_sequence_length = 16;

constexpr KeySequence sequences[] = {
    {"\x1b[1~", KeyKind::home},        {"\x1b[7~", KeyKind::home},
    {"\x1b[H", KeyKind::home},         {"\x1bOH", KeyKind::home},
    {"\x1b[4~", KeyKind::end},         {"\x1b[8~", KeyKind::end},
    {"\x1b[F", KeyKind::end},          {"\x1bOF", KeyKind::end},
    {"\x1b[3~", KeyKind::del},         {"\x1b[5~", KeyKind::page_up},
    {"\x1b[6~", KeyKind::page_down},   {"\x1b[Z", KeyKind::back_tab},
    {"\x1b[A", KeyKind::up},           {"\x1b[B", KeyKind::down},
    {"\x1b[C", KeyKind::right},        {"\x1b[D", KeyKind::left},
    {"\x1bOA", KeyKind::up},           {"\x1bOB", KeyKind::down},
    {"\x1bOC", KeyKind::right},        {"\x1bOD", KeyKind::left},
    {"\x1b[1;5D", KeyKind::word_left}, {"\x1b[1;5C", KeyKind::word_right},
    {"\x1bOd", KeyKind::word_left},    {"\x1bOc", KeyKind::word_right},  // rxvt
    {"\x1b[1;3D", KeyKind::prev_room}, {"\x1b[1;3C", KeyKind::next_room},  // Alt-Left/Right
    {"\x1b[200~", KeyKind::paste_start}, {"\x1b[201~", KeyKind::paste_end},
};

bool is_csi_parameter(char32_t ch) { return ch >= 0x20 && ch <= 0x3F; }

std::optional<Key> after_escape(const Key& next) {
  switch (next.kind) {
    case KeyKind::backspace: return Key::of(KeyKind::kill_word_back);
    case KeyKind::left: return Key::of(KeyKind::prev_room);
    case KeyKind::right: return Key::of(KeyKind::next_room);
    case KeyKind::character: break;
    default: return Key::of(KeyKind::unknown);
  }
  if (next.ch >= U'0' && next.ch <= U'9') return Key{KeyKind::buffer_number, next.ch};
  switch (next.ch) {
    case U'a':
    case U'A': return Key::of(KeyKind::next_active);
    case U'n':
    case U'N': return Key::of(KeyKind::toggle_nicks);
    case U'b':
    case U'B': return Key::of(KeyKind::word_left);
    case U'f':
    case U'F': return Key::of(KeyKind::word_right);
    // An Alt-key without a meaning of its own: chat.conf may bind it; never text.
    default: return Key{KeyKind::alt, next.ch};
  }
}

}  // namespace

std::span<const KeySequence> extra_key_sequences() { return sequences; }

std::optional<Key> EscapeDecoder::feed(const Key& next) {
  ++length_;
  const bool is_char = next.kind == KeyKind::character;
  switch (stage_) {
    case Stage::after_escape:
      if (is_char && next.ch == U'[') {
        stage_ = Stage::csi;
        return std::nullopt;
      }
      if (is_char && next.ch == U'O') {
        stage_ = Stage::ss3;
        return std::nullopt;
      }
      return after_escape(next);
    case Stage::csi:
      if (is_char && is_csi_parameter(next.ch) && length_ < max_sequence_length) {
        parameters_ += static_cast<char>(next.ch);
        return std::nullopt;
      }
      // a paste mark ncurses did not match as a whole (it came split across reads)
      if (is_char && next.ch == U'~' && parameters_ == "200") return Key::of(KeyKind::paste_start);
      if (is_char && next.ch == U'~' && parameters_ == "201") return Key::of(KeyKind::paste_end);
      return Key::of(KeyKind::unknown);  // the final byte (or garbage) ends it: swallowed
    case Stage::ss3:
      return Key::of(KeyKind::unknown);
  }
  return Key::of(KeyKind::unknown);
}

Key EscapeDecoder::finish() const {
  return stage_ == Stage::after_escape ? Key::of(KeyKind::escape) : Key::of(KeyKind::unknown);
}

}  // namespace chat
