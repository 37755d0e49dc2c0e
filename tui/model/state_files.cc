// ChatState's files: those announced or listed, and what FILE in /download names.
#include "state.h"

#include <algorithm>
#include <charconv>

namespace chat {

void ChatState::remember_files(const std::vector<chatcore::FileInfo>& files, bool numbered) {
  for (const auto& f : files) {
    auto it = std::find_if(known_.begin(), known_.end(), [&](auto& k) { return k.id == f.id; });
    if (it == known_.end()) known_.push_back(f);
    else *it = f;
  }
  if (numbered) listed_ = files;
}

std::variant<chatcore::FileInfo, std::string> ChatState::resolve_file(const std::string& token) const {
  std::size_t number = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), number);
  if (ec == std::errc() && end == token.data() + token.size() && number >= 1 && number <= listed_.size() &&
      std::none_of(known_.begin(), known_.end(), [&](auto& k) { return k.id == token; })) {
    return listed_[number - 1];
  }
  for (const auto& f : known_) {
    if (f.id == token) return f;
  }
  std::vector<chatcore::FileInfo> named;
  for (const auto& f : known_) {
    if (f.name == token) named.push_back(f);
  }
  if (named.size() == 1) return named.front();
  if (named.size() > 1) {
    return "several files are named " + token + "; use the number from /files or the id";
  }
  if (ec == std::errc() && end == token.data() + token.size() && !listed_.empty()) {
    return "no file number " + token + " (see /files)";
  }
  chatcore::FileInfo unknown;  // not seen here; let the server decide
  unknown.id = token;
  unknown.name = token;
  return unknown;
}

}  // namespace chat
