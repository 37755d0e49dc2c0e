#include "who.h"

#include <algorithm>

namespace chat {

std::string who_line(const std::string& room, const std::vector<chatcore::UserInfo>& members) {
  std::string names;
  for (const auto& u : members) {
    names += (names.empty() ? "" : ", ") + u.nickname;
    if (!u.online) {
      names += " (offline)";
    } else if (u.presence == chatcore::Presence::away) {
      names += " (away)";
    }
  }
  const auto online = std::count_if(members.begin(), members.end(), [](const auto& u) { return u.online; });
  std::string count = std::to_string(members.size());
  if (online != static_cast<std::ptrdiff_t>(members.size())) count += ", " + std::to_string(online) + " online";
  return "in #" + room + " (" + count + "): " + names;
}

}  // namespace chat
