// Replica applies the replicated command log, in order, to this node's SQLite database: each
// command once, its stream sequence committed in the same transaction as its effect.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "cluster/log_codec.h"
#include "store/sqlite_store.h"

namespace chatcore::cluster {

class Replica {
 public:
  // What a command gave once committed (or refused), where the store posts: the loop. The
  // command is handed over: nothing else holds it afterwards.
  using Applied = std::function<void(std::uint64_t seq, Decoded&&, Result<Outcome>)>;

  // Reads the database's applied position (blocking: before the loop starts).
  static Result<std::unique_ptr<Replica>> open(std::unique_ptr<store::SqliteStore> db,
                                               Applied on_applied);

  // The sequence of the last command handed to the database. A command is on its way until
  // its completion; one the database loses stops the replica (broken()).
  std::uint64_t position() const { return position_.load(); }
  // Once a command was lost (a full disk, an I/O error), no later one can be applied without
  // skipping it: the node must stop applying and start again from the committed position.
  bool broken() const { return broken_->load(); }

  // From one thread at a time (the log consumer's); never blocks. True if applied, false if
  // skipped: the database has it already (a redelivery). FAILED_PRECONDITION for a gap in the
  // log, INVALID_ARGUMENT for a command this build cannot decode; both break the replica.
  Result<bool> apply(std::uint64_t seq, std::string_view bytes);

  store::SqliteStore& store() { return *db_; }

 private:
  Replica(std::unique_ptr<store::SqliteStore> db, Applied on_applied, std::uint64_t position);

  std::unique_ptr<store::SqliteStore> db_;
  // Shared with the completions in flight, which may outlive the replica: one reference per
  // command instead of a copy of the function and all it captured.
  std::shared_ptr<const Applied> on_applied_;
  std::atomic<std::uint64_t> position_;
  // Shared with the completions in flight, which may outlive the replica.
  std::shared_ptr<std::atomic<bool>> broken_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace chatcore::cluster
