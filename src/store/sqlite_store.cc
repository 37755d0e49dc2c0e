#include "store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <future>
#include <utility>

#include "store/log_position.h"
#include "store/reads.h"

namespace chatcore::store {

namespace {
std::string pragma(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getString();
}

// What an operator can do about it, after SQLite's own words.
std::string hint(int code) {
  switch (code & 0xff) {
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      return " (chatd must be able to write the database file and create files beside it)";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return " (the file is damaged or not chatd's: move it aside or restore a backup)";
    case SQLITE_FULL:
      return " (the disk is full)";
    default:
      return "";
  }
}
}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options, Post post) {
  const auto where = options.path.string();
  auto lock = DbLock::acquire(options.path);
  if (!lock.ok()) return lock.status();
  try {
    // NOMUTEX: the connection is used by one thread at a time (here, then only the writer),
    // so SQLite's own lock around every call is pure cost on the hot append path.
    auto db = std::make_unique<SQLite::Database>(
        where, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    // Another process holding a lock (a second chatd on the same dir) is waited for briefly.
    db->setBusyTimeout(2000);
    // The first statement reads the header: a file that is not a database fails here.
    const auto mode = pragma(*db, "PRAGMA journal_mode = WAL");
    if (mode != "wal") {
      return Status(Code::failed_precondition,
                    fmt::format("cannot use the store {}: WAL mode refused (journal_mode is {})",
                                where, mode));
    }
    // WAL + NORMAL survives a crash of the process; only FULL also survives a power cut.
    const bool full = options.durability == Durability::full;
    db->exec(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA foreign_keys = ON");
    int from = 0;
    if (auto status = migrate(*db, options.schema, from); !status.ok()) {
      return Status(status.code, fmt::format("cannot use the store {}: {}", where, status.message));
    }
    if (options.max_pages > 0) {
      db->execAndGet(fmt::format("PRAGMA max_page_count = {}", options.max_pages));
    }
    // A database that cannot be written (read-only file or filesystem) is found now, not at
    // the first message. SQLite quietly opens a file it may not write read-only.
    if (sqlite3_db_readonly(db->getHandle(), "main") == 1) {
      return Status(Code::failed_precondition,
                    fmt::format("cannot open the store {}: it is read-only for chatd{}", where,
                                hint(SQLITE_READONLY)));
    }
    db->exec("BEGIN IMMEDIATE; COMMIT");
    // Read back from the connection: the log line says what is in force, not what was asked.
    const int sync = db->execAndGet("PRAGMA synchronous").getInt();
    auto description =
        fmt::format("SQLite {}, WAL, synchronous={}, schema {}", SQLite::VERSION,
                    sync == 2 ? "FULL" : sync == 1 ? "NORMAL" : std::to_string(sync),
                    options.schema.size());
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db), std::move(post),
                                                        std::move(description), std::move(*lock),
                                                        options));
  } catch (const SQLite::Exception& e) {
    return Status(Code::failed_precondition, fmt::format("cannot open the store {}: {}{}", where,
                                                         e.what(), hint(e.getErrorCode())));
  }
}

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db, Post post, std::string description,
                         DbLock lock, const SqliteOptions& options)
    : lock_(std::move(lock)),
      description_(std::move(description)),
      post_(post),
      checkpointer_(std::make_unique<Checkpointer>(options.path,
                                                   options.durability == Durability::full,
                                                   db->getHandle(), options.checkpoint_pages)),
      writer_(std::move(db), std::move(post)) {}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::close() {
  writer_.stop();
  checkpointer_->stop();
}

// Runs on the store's thread like any read, but hands its result straight back: the loop
// that would run a completion has not started yet.
Result<Snapshot> SqliteStore::load(std::size_t recent_per_room) {
  std::promise<Result<Snapshot>> promise;
  auto result = promise.get_future();
  const bool taken = writer_.submit(Job{
      .write = false,
      .run = [&promise, recent_per_room](Connection& c) -> std::function<void()> {
        try {
          promise.set_value(read_snapshot(c, recent_per_room));
        } catch (const SQLite::Exception& e) {
          promise.set_value(Status(Code::failed_precondition,
                                   fmt::format("cannot load the store: {}{}", e.what(),
                                               hint(e.getErrorCode()))));
        }
        return {};
      },
      .fail = [](Status) {},
  });
  if (!taken) return Status(Code::unavailable, "the store is closed");
  return result.get();
}

Result<std::uint64_t> SqliteStore::applied_position() {
  std::promise<Result<std::uint64_t>> promise;
  auto result = promise.get_future();
  const bool taken = writer_.submit(Job{
      .write = false,
      .run = [&promise](Connection& c) -> std::function<void()> {
        try {
          promise.set_value(read_applied(c));
        } catch (const SQLite::Exception& e) {
          promise.set_value(Status(Code::failed_precondition,
                                   fmt::format("cannot read the log position: {}", e.what())));
        }
        return {};
      },
      .fail = [](Status) {},
  });
  if (!taken) return Status(Code::unavailable, "the store is closed");
  return result.get();
}

void SqliteStore::rooms(Done<std::vector<StoredRoom>> done) {
  submit<std::vector<StoredRoom>>(false, std::move(done), [](Connection& c) {
    return Result<std::vector<StoredRoom>>(read_rooms(c));
  });
}

void SqliteStore::history(std::string room, std::uint64_t before_id, std::size_t limit,
                          Done<std::vector<StoredMessage>> done) {
  submit<std::vector<StoredMessage>>(
      false, std::move(done), [room = std::move(room), before_id, limit](Connection& c) {
        return read_history(c, room, before_id, limit);
      });
}

void SqliteStore::since(std::string room, std::uint64_t after_id, std::size_t limit,
                        Done<std::vector<StoredMessage>> done) {
  submit<std::vector<StoredMessage>>(
      false, std::move(done), [room = std::move(room), after_id, limit](Connection& c) {
        return read_since(c, room, after_id, limit);
      });
}

void SqliteStore::directs_since(std::uint64_t identity, std::uint64_t after_id, std::size_t limit,
                                Done<std::vector<StoredDirect>> done) {
  submit<std::vector<StoredDirect>>(false, std::move(done), [identity, after_id, limit](Connection& c) {
    return Result<std::vector<StoredDirect>>(read_directs_since(c, identity, after_id, limit));
  });
}

}  // namespace chatcore::store
