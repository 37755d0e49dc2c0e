#include "transport/call_registry.h"

#include <doctest/doctest.h>

#include <chrono>
#include <thread>

using chatcore::transport::CallRegistry;
using namespace std::chrono_literals;

TEST_CASE("started calls are counted by RPC until they are freed") {
  CallRegistry calls;
  calls.started("Connect");
  calls.started("Connect");
  calls.started("Upload");
  CHECK(calls.active() == 3);
  calls.freed("Connect");
  CHECK(calls.active() == 2);
  const auto left = calls.describe();
  CHECK(left.find("Connect=1") != std::string::npos);
  CHECK(left.find("Upload=1") != std::string::npos);
  calls.freed("Connect");
  CHECK(calls.describe() == " Upload=1");
}

TEST_CASE("the shutdown waits until the loop reports sessions and calls gone") {
  CallRegistry calls;
  calls.started("Connect");
  calls.session_opened(1, nullptr);
  calls.begin_shutdown();
  CHECK_FALSE(calls.wait_sessions_until(std::chrono::steady_clock::now() + 10ms));
  CHECK_FALSE(calls.wait_idle_for(10ms));
  // The "loop" is another thread here; the waiter wakes on its change, not on a timeout.
  std::thread loop([&] {
    calls.session_closed(1);
    calls.freed("Connect");
  });
  CHECK(calls.wait_sessions_until(std::chrono::steady_clock::now() + 30s));
  CHECK(calls.wait_idle_for(30s));
  loop.join();
  CHECK(calls.sessions().empty());
}
