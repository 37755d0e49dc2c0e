// A test's cluster node: its own NATS connection (with connect and disconnect events a test
// can wait for), its own SQLite file, and a LogStore over both; completions run on the test's
// FakeLoop, which several nodes share as one loop thread.
#pragma once

#include <nats/nats.h>

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cluster/log_store.h"
#include "store_fixture.h"

namespace chatcore::cluster::test {

class LogNode {
 public:
  LogNode(std::string name, const std::filesystem::path& db, const std::string& url,
          store::test::FakeLoop& loop);
  ~LogNode();

  LogStore& store() { return *store_; }
  // Runs the loop until the observer has seen `n` changes in all.
  const std::vector<LogChange>& wait_changes(std::size_t n);
  const std::vector<LogChange>& changes() const { return changes_; }
  // Until nats.c reports the connection lost (or back), as it happens.
  void wait_connected(bool connected);
  // Closes the store and the connection, keeping the database: a node stopped.
  void stop();

 private:
  static void on_disconnected(natsConnection*, void* self);
  static void on_reconnected(natsConnection*, void* self);
  static void on_closed(natsConnection*, void* self);

  store::test::FakeLoop& loop_;
  natsConnection* nc_ = nullptr;
  std::unique_ptr<LogStore> store_;
  std::vector<LogChange> changes_;
  std::size_t want_ = 0;
  std::optional<bool> reached_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool connected_ = false;
  bool closed_ = false;
};

}  // namespace chatcore::cluster::test
