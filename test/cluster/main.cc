// The cluster tests' main. With --needs-nats it exits 77 (skipped) when nats-server is not
// installed: the tests that run real NATS servers ask for it.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "nats_cluster.h"
#include "util/log.h"

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--needs-nats") != 0) {
      args.push_back(argv[i]);
    } else if (!chatcore::cluster_test::NatsCluster::available()) {
      std::fputs("nats-server is not installed; skipping\n", stderr);
      return 77;
    }
  }
  chatcore::log::Level level = chatcore::log::Level::warn;
  if (const char* env = std::getenv("CHATCORE_TEST_LOG")) chatcore::log::parse_level(env, level);
  chatcore::log::set_level(level);
  doctest::Context context(static_cast<int>(args.size()), args.data());
  return context.run();
}
