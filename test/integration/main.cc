// The server logs every login and room change at info; tests show only warnings unless
// CHATCORE_TEST_LOG names another level (debug, info, ...).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

#include "util/log.h"

int main(int argc, char** argv) {
  chatcore::log::Level level = chatcore::log::Level::warn;
  if (const char* env = std::getenv("CHATCORE_TEST_LOG")) chatcore::log::parse_level(env, level);
  chatcore::log::set_level(level);
  doctest::Context context(argc, argv);
  return context.run();
}
