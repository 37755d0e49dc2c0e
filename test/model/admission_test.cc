#include "transport/admission.h"

#include <doctest/doctest.h>

using chatcore::Code;
using chatcore::transport::Admission;
using chatcore::transport::address_of;

TEST_CASE("a peer's address drops the port, for IPv4 and IPv6") {
  CHECK(address_of("ipv4:127.0.0.1:5555") == "ipv4:127.0.0.1");
  CHECK(address_of("ipv6:[::1]:5555") == "ipv6:[::1]");
  CHECK(address_of("unix:/run/chat.sock") == "unix:/run/chat.sock");
}

TEST_CASE("each user's bucket allows a burst, then asks to retry") {
  Admission admission({.per_second = 1, .burst = 2}, {.per_second = 10, .burst = 5}, 0);
  admission.opened(7, "ipv4:10.0.0.1:1000");
  CHECK(admission.admit(7, true, 100.0).ok());
  CHECK(admission.admit(7, true, 100.0).ok());
  const auto refused = admission.admit(7, true, 100.0);
  CHECK(refused.code == Code::resource_exhausted);
  CHECK(refused.message.find("too many messages") != std::string::npos);
  // Commands have their own bucket; a second later a message token is back.
  CHECK(admission.admit(7, false, 100.0).ok());
  CHECK(admission.admit(7, true, 101.0).ok());
  // A session that was never opened here (or is closed) is not limited.
  admission.closed(7);
  for (int i = 0; i < 5; ++i) CHECK(admission.admit(7, true, 102.0).ok());
}

TEST_CASE("an address holds at most the configured number of sessions") {
  Admission admission({}, {}, 2);
  admission.opened(1, "ipv4:10.0.0.1:1000");
  CHECK(admission.check_address("ipv4:10.0.0.1:2000").ok());
  admission.opened(2, "ipv4:10.0.0.1:1001");
  CHECK(admission.sessions_from("ipv4:10.0.0.1:9") == 2);
  const auto refused = admission.check_address("ipv4:10.0.0.1:2000");
  CHECK(refused.code == Code::resource_exhausted);
  CHECK(refused.message == "too many sessions from your address (limit 2)");
  CHECK(admission.check_address("ipv4:10.0.0.2:2000").ok());
  admission.closed(1);
  CHECK(admission.check_address("ipv4:10.0.0.1:2000").ok());
  admission.closed(1);  // twice is harmless
  CHECK(admission.sessions_from("ipv4:10.0.0.1:9") == 1);
}

TEST_CASE("no per-address limit when it is 0") {
  Admission admission({}, {}, 0);
  for (chatcore::model::SessionId id = 1; id <= 50; ++id) admission.opened(id, "ipv4:1.2.3.4:5");
  CHECK(admission.check_address("ipv4:1.2.3.4:6").ok());
}
