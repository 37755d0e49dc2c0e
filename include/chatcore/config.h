// Configuration of a chat server: where it listens, where files go, and its limits.
// Every field has the default chatd uses; docs/operations.md lists them.
#pragma once

#include <chatcore/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace chatcore {

struct Config {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 lets the OS pick
  std::filesystem::path storage_dir = "chatcore-files";
  Limits limits;
  // A session whose outgoing queue exceeds either bound is closed (RESOURCE_EXHAUSTED).
  std::size_t max_queue_events = 100000;
  std::size_t max_queue_bytes = 64ull << 20;
  int io_threads = 2;  // disk and hashing pool
  std::chrono::milliseconds shutdown_grace{2000};
  std::string server_name = "chatd";
};

}  // namespace chatcore
