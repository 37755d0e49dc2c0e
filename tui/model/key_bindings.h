// Key bindings for buffer switching from chat.conf (`keys = ["M-j next", "M-k previous"]`):
// an Alt-key that has no meaning of its own shows the next, previous or next active buffer,
// or buffer N, as Ctrl-N, Ctrl-P, Alt-A and Alt-1..Alt-0 do.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chat {

struct BufferSwitch {
  enum class To { next, previous, active, number };
  To to = To::next;
  int number = 0;  // for To::number, 1-based
  bool operator==(const BufferSwitch&) const = default;
};

class KeyBindings {
 public:
  // "M-j next" (or previous, active, a buffer number 1..99). An error message saying what is
  // wrong, or empty. Alt-keys that already mean something (digits, a, b, f, n) are refused.
  std::string add(std::string_view spec);
  std::optional<BufferSwitch> find(char32_t alt_key) const;
  bool empty() const { return bindings_.empty(); }

 private:
  std::map<char32_t, BufferSwitch> bindings_;
};

}  // namespace chat
