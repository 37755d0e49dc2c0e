// The /who line: members marked away or offline, and how many are online when not all are.
#include "who.h"

#include <doctest/doctest.h>

namespace {

chatcore::UserInfo user(const std::string& nick, bool online, chatcore::Presence presence) {
  chatcore::UserInfo u;
  u.nickname = nick;
  u.online = online;
  u.presence = presence;
  return u;
}

}  // namespace

TEST_CASE("who: every member online, one away, one offline") {
  using chatcore::Presence;
  CHECK(chat::who_line("dev", {user("alice", true, Presence::online), user("bob", true, Presence::online)}) ==
        "in #dev (2): alice, bob");
  CHECK(chat::who_line("개발", {user("alice", true, Presence::online), user("bob", true, Presence::away),
                                user("carol", false, Presence::offline)}) ==
        "in #개발 (3, 2 online): alice, bob (away), carol (offline)");
}
