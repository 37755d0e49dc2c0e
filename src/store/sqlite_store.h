// SqliteStore keeps the Store in one SQLite database (WAL) written by one thread with group
// commit. The single-node default: nothing to start, one file in the data dir.
#pragma once

#include <chatcore/config.h>

#include <filesystem>
#include <memory>
#include <span>
#include <string>

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
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if missing) and upgrades the database; runs on the caller's thread, before
  // the loop starts. FAILED_PRECONDITION with a readable reason for a file that is not a
  // database, is newer than this build, or cannot be written.
  static Result<std::unique_ptr<SqliteStore>> open(const SqliteOptions& options, Post post);
  ~SqliteStore() override;

  // "SQLite 3.40.1, WAL, synchronous=NORMAL, schema 1" for the start-up log line.
  std::string describe() const override { return description_; }

  void create_room(std::string name, std::int64_t now_ms, Done<StoredRoom> done) override;
  void delete_room(std::string name, Done<bool> done) override;
  void rooms(Done<std::vector<StoredRoom>> done) override;
  void append(StoredMessage message, Done<StoredMessage> done) override;
  void history(std::string room, std::uint64_t before_id, std::size_t limit,
               Done<std::vector<StoredMessage>> done) override;
  void close() override;

 private:
  SqliteStore(std::unique_ptr<SQLite::Database> db, Post post, std::string description);

  template <class T, class Body>
  void submit(bool write, Done<T> done, Body body);

  std::string description_;
  Writer writer_;
};

}  // namespace chatcore::store
