// The command log on a real nats-server: skipped (77) only where nats-server cannot run.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <nats/nats.h>

#include <cstdio>

#include "nats_cluster.h"

int main(int argc, char** argv) {
  if (!chatcore::cluster_test::NatsCluster::available()) {
    std::puts("nats-server is not installed: skipped");
    return 77;
  }
  doctest::Context context(argc, argv);
  const int result = context.run();
  nats_Close();
  return result;
}
