// The text /who and /users print: a room's members, or everyone online, marked away or
// offline as the nick list marks them.
#pragma once

#include <chatcore/types.h>

#include <string>
#include <vector>

namespace chat {

// "in #room (3, 2 online): alice, bob (away), carol (offline)".
std::string who_line(const std::string& room, const std::vector<chatcore::UserInfo>& members);

}  // namespace chat
