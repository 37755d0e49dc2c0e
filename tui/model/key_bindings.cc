#include "key_bindings.h"

#include <charconv>

namespace chat {

std::string KeyBindings::add(std::string_view spec) {
  const std::string quoted = "key binding \"" + std::string(spec) + "\": ";
  const std::size_t space = spec.find(' ');
  if (space == std::string_view::npos) return quoted + "write it as \"M-j next\"";
  const std::string_view key = spec.substr(0, space);
  std::string_view what = spec.substr(space + 1);
  while (what.starts_with(' ')) what.remove_prefix(1);
  // One ASCII character after M- (Alt), as terminals send it: ESC and the character.
  if (key.size() != 3 || !key.starts_with("M-") || key[2] <= ' ' || key[2] > '~') {
    return quoted + "the key is M- and one character, such as M-j";
  }
  const char c = key[2];
  if ((c >= '0' && c <= '9') || std::string_view("aAbBfFnN[O").find(c) != std::string_view::npos) {
    return quoted + std::string(key) + " already has a meaning (see /help)";
  }
  BufferSwitch to;
  if (what == "next") {
    to.to = BufferSwitch::To::next;
  } else if (what == "previous") {
    to.to = BufferSwitch::To::previous;
  } else if (what == "active") {
    to.to = BufferSwitch::To::active;
  } else {
    int n = 0;
    const auto [end, ec] = std::from_chars(what.data(), what.data() + what.size(), n);
    if (ec != std::errc() || end != what.data() + what.size() || n < 1 || n > 99) {
      return quoted + "it shows next, previous, active or a buffer number (1 to 99)";
    }
    to = {BufferSwitch::To::number, n};
  }
  bindings_[static_cast<char32_t>(static_cast<unsigned char>(c))] = to;
  return {};
}

std::optional<BufferSwitch> KeyBindings::find(char32_t alt_key) const {
  const auto it = bindings_.find(alt_key);
  if (it == bindings_.end()) return std::nullopt;
  return it->second;
}

}  // namespace chat
