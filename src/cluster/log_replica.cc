#include "cluster/log_replica.h"

#include <fmt/format.h>

#include <utility>

#include "cluster/log_apply.h"
#include "util/log.h"

namespace chatcore::cluster {

Result<std::unique_ptr<Replica>> Replica::open(std::unique_ptr<store::SqliteStore> db,
                                               Applied on_applied) {
  auto position = db->applied_position();
  if (!position.ok()) return position.status();
  return std::unique_ptr<Replica>(new Replica(std::move(db), std::move(on_applied), *position));
}

Replica::Replica(std::unique_ptr<store::SqliteStore> db, Applied on_applied,
                 std::uint64_t position)
    : db_(std::move(db)),
      on_applied_(std::make_shared<const Applied>(std::move(on_applied))),
      position_(position) {}

Result<bool> Replica::apply(std::uint64_t seq, std::string_view bytes) {
  if (broken_->load()) {
    return Status(Code::unavailable, "the replica stopped applying the log after a lost write");
  }
  const std::uint64_t at = position_.load();
  if (seq <= at) return false;
  if (seq != at + 1) {
    broken_->store(true);
    return Status(Code::failed_precondition,
                  fmt::format("the log jumps from {} to {}: commands are missing", at, seq));
  }
  auto decoded = decode(bytes);
  if (!decoded.ok()) {
    broken_->store(true);
    return Status(decoded.status().code,
                  fmt::format("log command {}: {}", seq, decoded.status().message));
  }
  position_.store(seq);
  auto command = std::make_shared<Decoded>(std::move(*decoded));
  // A file's bytes stay on the disk of the node that received them: the command names it.
  if (auto* put = std::get_if<op::PutFile>(&command->write)) put->file.node = command->origin.node;
  db_->stamp_next_write(seq);
  apply_write(command->write, *db_, [broken = broken_, applied = on_applied_, seq,
                                     command](Result<Outcome> r) {
    // These codes are the store's own failures (the batch was not committed, or a command
    // before it was not): every other result is the command's deterministic answer.
    const Code code = r.status().code;
    if (code == Code::resource_exhausted || code == Code::unavailable || code == Code::aborted) {
      if (!broken->exchange(true)) {
        log::error("cluster: log command {} was not applied ({}); this node applies no more "
                   "until it is restarted",
                   seq, r.status().message);
      }
    }
    (*applied)(seq, std::move(*command), std::move(r));
  });
  return true;
}

}  // namespace chatcore::cluster
