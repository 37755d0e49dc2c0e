// What the presence tests share: asking a node until its answer shows what another node did,
// reading a room's counts out of a ListRooms, and a guest at any node's address.
#pragma once

#include <chatcore/client.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace chatcore::cluster::test {

// Asks until `pred` holds for the answer (each ask is a round trip through the node's loop,
// which takes the other nodes' presence in as it comes), or the wait runs out.
template <class Ask, class Pred>
auto ask_until(Ask ask, Pred pred, const char* what) {
  const auto until = std::chrono::steady_clock::now() + chatcore::test::kWait;
  for (;;) {
    auto got = ask();
    if (got.ok() && pred(*got)) return *got;
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < until, what << " never showed");
  }
}

inline const UserInfo* named(const std::vector<UserInfo>& users, const std::string& nick) {
  for (const auto& u : users) {
    if (u.nickname == nick) return &u;
  }
  return nullptr;
}

inline std::uint32_t online_in(const std::vector<RoomInfo>& rooms, const std::string& room) {
  for (const auto& r : rooms) {
    if (r.name == room) return r.online;
  }
  return 0;
}

// The room's members as the list shows them, or -1 when it is not listed.
inline int members_in(const std::vector<RoomInfo>& rooms, const std::string& room) {
  for (const auto& r : rooms) {
    if (r.name == room) return static_cast<int>(r.members);
  }
  return -1;
}

// The tests that start a chatd process need $CHATD (meson sets it): without it they say so
// and do nothing.
inline bool chatd_missing() {
  if (std::getenv("CHATD") != nullptr) return false;
  MESSAGE("CHATD is not set");
  return true;
}

// A guest at any address (a chatd process has no TestServer).
struct Guest {
  chatcore::test::EventLog log;
  std::unique_ptr<Client> client;
  Guest(const std::string& address, const std::string& nick) {
    auto opened = Client::open(address);
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    client = std::move(*opened);
    auto welcome = client->login(
        nick, [this](const Event& e) { log.push(e); }, [this](const Status& s) { log.closed(s); });
    REQUIRE_MESSAGE(welcome.ok(), "login as " << nick << ": " << welcome.status().to_string());
    REQUIRE(std::holds_alternative<Welcome>(log.next().body));
  }
  ~Guest() { client.reset(); }
};

}  // namespace chatcore::cluster::test
