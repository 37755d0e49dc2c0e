// The nicknames whose messages, actions and DMs this client hides (/ignore): a client-side
// list, kept in chat.conf; the server still delivers, and the others still see them.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace chat {

class IgnoreList {
 public:
  bool add(std::string_view nick);     // false when it was there already
  bool remove(std::string_view nick);  // false when it was not there
  bool contains(std::string_view nick) const;
  std::vector<std::string> names() const;  // sorted, as given
  bool empty() const { return names_.empty(); }
  void clear() { names_.clear(); }

 private:
  // Nicknames differing only in ASCII case are one entry: ignoring "Bob" hides "bob" too.
  struct FoldedLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
  };
  std::set<std::string, FoldedLess> names_;
};

}  // namespace chat
