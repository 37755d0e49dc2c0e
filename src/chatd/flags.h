// chatd's command line and config file: one function per group of flags, each binding its
// flags straight onto the chatcore::Config (or the few chatd-only settings) it configures.
// Every flag is also a key of the --config file, so the two can never disagree.
#pragma once

#include <chatcore/config.h>

#include <CLI/CLI.hpp>

#include <string>

namespace chatd {

// Settings that belong to the chatd program rather than to the embedded server.
struct Settings {
  chatcore::Config config;
  std::string log_level = "info";
  std::string metrics_listen;  // empty: no /metrics endpoint
  bool print_config = false;
};

// Where it listens, TLS, and how long idle or silent connections may stay.
void add_network_flags(CLI::App& app, Settings& settings);
// Uploaded files: where, how large, how fast they move, how much disk they may take.
void add_storage_flags(CLI::App& app, Settings& settings);
// What one user or the whole server may use: queues, rates, sessions, rooms.
void add_limit_flags(CLI::App& app, Settings& settings);
// The process itself: logging, shutdown, metrics, --config, --print-config, --version.
void add_service_flags(CLI::App& app, Settings& settings);
// Server operators (moderation_flags.cc).
void add_moderation_flags(CLI::App& app, Settings& settings);
// Running as a node of a cluster on NATS (cluster_flags.cc).
void add_cluster_flags(CLI::App& app, Settings& settings);
// After parsing: what is wrong with the cluster flags together, or empty.
std::string check_cluster_flags(const Settings& settings);

}  // namespace chatd
