// The cluster tests' main: skipped (exit 77) when nats-server is not installed, since every
// test here runs real NATS servers.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

#include "nats_cluster.h"
#include "util/log.h"

int main(int argc, char** argv) {
  if (!chatcore::cluster_test::NatsCluster::available()) {
    std::fputs("nats-server is not installed; skipping\n", stderr);
    return 77;
  }
  chatcore::log::Level level = chatcore::log::Level::warn;
  if (const char* env = std::getenv("CHATCORE_TEST_LOG")) chatcore::log::parse_level(env, level);
  chatcore::log::set_level(level);
  doctest::Context context(argc, argv);
  return context.run();
}
