// The flags of chatd's defences against hostile or runaway clients (session cap, log format,
// TLS version, reflection), kept apart from the other flag groups.
#pragma once

#include <chatcore/config.h>

#include <CLI/CLI.hpp>

#include <string>

namespace chatd {

struct HardeningFlags {
  std::string log_format = "text";
  bool no_reflection = false;
};

void add_hardening_flags(CLI::App& app, chatcore::Config& config, HardeningFlags& flags);
// After parsing: raises the fd limit and applies the flags to `config` and the process.
void apply_hardening_flags(const HardeningFlags& flags, chatcore::Config& config);

}  // namespace chatd
