// SqliteStore keeps the Store in one SQLite database (WAL) written by one thread with group
// commit. The single-node default: nothing to start, one file in the data dir.
#pragma once

#include <SQLiteCpp/Exception.h>

#include <chatcore/config.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>

#include "store/checkpointer.h"
#include "store/connection.h"
#include "store/db_lock.h"
#include "store/schema.h"
#include "store/store.h"
#include "store/writer.h"

namespace chatcore::store {

struct SqliteOptions {
  std::filesystem::path path;  // the database file; its directory must exist
  Durability durability = Durability::normal;
  // The migrations to run; tests open a database at an older schema with fewer.
  std::span<const Migration> schema = schema_migrations();
  // A cap on the database's size in pages (0: none): a full disk in miniature, for tests.
  int max_pages = 0;
  // WAL frames after which the checkpointer copies the log back (tests use a few).
  int checkpoint_pages = Checkpointer::kPages;
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if missing) and upgrades the database; runs on the caller's thread, before
  // the loop starts. FAILED_PRECONDITION with a readable reason for a file that is not a
  // database, is newer than this build, or cannot be written.
  static Result<std::unique_ptr<SqliteStore>> open(const SqliteOptions& options, Post post);
  ~SqliteStore() override;

  // "SQLite 3.40.1, WAL, synchronous=NORMAL, schema 3" for the start-up log line.
  std::string describe() const override { return description_; }
  Result<Snapshot> load(std::size_t recent_per_room) override;

  void put_identity(StoredIdentity identity, Done<StoredIdentity> done) override;
  void delete_identity(std::uint64_t id, Done<bool> done) override;
  void create_room(std::string name, std::int64_t now_ms, Done<StoredRoom> done) override;
  void delete_room(std::string name, Done<bool> done) override;
  void delete_room_epoch(std::string name, std::uint64_t epoch, Done<bool> done) override;
  void set_topic(std::string room, std::string topic, std::string by, std::int64_t now_ms,
                 Done<StoredRoom> done) override;
  void add_member(StoredMember member, Done<bool> done) override;
  void remove_member(std::uint64_t identity, std::string room, Done<bool> done) override;
  void append(StoredMessage message, Done<StoredMessage> done) override;
  void append_direct(StoredDirect message, Done<StoredDirect> done) override;
  void put_file(StoredFile file, Done<bool> done) override;
  void revoke_file(std::string file_id, std::uint64_t identity, Done<bool> done) override;
  void remove_file(std::string file_id, Done<bool> done) override;
  void put_upload(StoredUpload upload, Done<bool> done) override;
  void remove_upload(std::string key, Done<bool> done) override;
  void prune(Retention policy, std::int64_t now_ms, Done<Pruned> done) override;

  void rooms(Done<std::vector<StoredRoom>> done) override;
  void history(std::string room, std::uint64_t before_id, std::size_t limit,
               Done<std::vector<StoredMessage>> done) override;
  void since(std::string room, std::uint64_t after_id, std::size_t limit,
             Done<std::vector<StoredMessage>> done) override;
  void directs_since(std::uint64_t identity, std::uint64_t after_id, std::size_t limit,
                     Done<std::vector<StoredDirect>> done) override;

  void set_room_creator(std::string room, std::uint64_t identity, Done<bool> done) override;
  void put_sanction(StoredSanction sanction, Done<bool> done) override;
  void remove_sanction(SanctionKind kind, std::uint64_t identity, std::string room,
                       Done<bool> done) override;
  void set_motd(std::string motd, Done<bool> done) override;
  void set_topic_lock(std::string room, bool locked, std::string by, Done<bool> done) override;
  void claim_guest(std::string nickname, std::string node, std::uint64_t session,
                   Done<bool> done) override;
  void release_guest(std::string nickname, std::string node, std::uint64_t session,
                     Done<bool> done) override;
  void release_node_guests(std::string node, Done<bool> done) override;

  void close() override;

  // Transactions the writer has run, one per batch of writes (see Writer).
  std::uint64_t transactions() const { return writer_.transactions(); }
  Checkpointer& checkpointer() { return *checkpointer_; }

  // For a replica of the replicated log: the next write submitted applies log command `seq`,
  // and records that in its own transaction. Only the one thread that applies the log submits
  // writes to a replica, so stamping and submitting need no lock between them.
  void stamp_next_write(std::uint64_t seq) { next_log_seq_ = seq; }
  // The sequence of the last log command applied (0: none), read like load(): on the
  // caller's thread, after every write queued before it.
  Result<std::uint64_t> applied_position();

 private:
  SqliteStore(std::unique_ptr<SQLite::Database> db, Post post, std::string description,
              DbLock lock, const SqliteOptions& options);

  // Queues `body(Connection&) -> Result<T>` as a write or a read; `done` gets its result.
  template <class T, class Body>
  void submit(bool write, Done<T> done, Body body);

  DbLock lock_;  // first in, last out: held until the writer has closed the database
  std::string description_;
  Post post_;
  std::uint64_t next_log_seq_ = 0;
  // Before the writer: it takes the writer connection's commit hook first and goes last.
  std::unique_ptr<Checkpointer> checkpointer_;
  Writer writer_;
};

// A body's own refusals (no such room) are results, while a database error is an
// SQLite::Exception that the writer turns into this job's failure.
//
// `done` is held once and shared by the job's run, its fail and the completion: a copy of a
// Done copies everything its target captured (a replica's completion chain holds several
// std::functions and shared_ptrs), and there were three per write.
template <class T, class Body>
void SqliteStore::submit(bool write, Done<T> done, Body body) {
  auto shared = std::make_shared<Done<T>>(std::move(done));
  auto fail = [shared](Status s) { (*shared)(std::move(s)); };
  const bool taken = writer_.submit(Job{
      .write = write,
      .log_seq = write ? std::exchange(next_log_seq_, 0) : 0,
      .run = [shared, body = std::move(body)](Connection& c) -> std::function<void()> {
        Result<T> result = body(c);
        return [shared, result = std::move(result)]() mutable { (*shared)(std::move(result)); };
      },
      .fail = fail,
  });
  if (!taken) post_([fail] { fail(Status(Code::unavailable, "the store is closed")); });
}

}  // namespace chatcore::store
