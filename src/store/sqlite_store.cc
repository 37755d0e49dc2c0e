#include "store/sqlite_store.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>

#include <fmt/format.h>

#include <utility>

namespace chatcore::store {

namespace {
std::string pragma(SQLite::Database& db, const std::string& sql) {
  return db.execAndGet(sql).getString();
}

StoredRoom read_room(SQLite::Statement& q) {
  return StoredRoom{.name = q.getColumn(0).getString(),
                    .epoch = static_cast<std::uint64_t>(q.getColumn(1).getInt64()),
                    .last_id = static_cast<std::uint64_t>(q.getColumn(2).getInt64()),
                    .created_ms = q.getColumn(3).getInt64()};
}
}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteOptions& options, Post post) {
  const auto where = options.path.string();
  try {
    auto db = std::make_unique<SQLite::Database>(
        where, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_FULLMUTEX);
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
    // the first message.
    db->exec("BEGIN IMMEDIATE; COMMIT");
    // Read back from the connection: the log line says what is in force, not what was asked.
    const int sync = db->execAndGet("PRAGMA synchronous").getInt();
    auto description =
        fmt::format("SQLite {}, WAL, synchronous={}, schema {}", SQLite::VERSION,
                    sync == 2 ? "FULL" : sync == 1 ? "NORMAL" : std::to_string(sync),
                    options.schema.size());
    return std::unique_ptr<SqliteStore>(
        new SqliteStore(std::move(db), std::move(post), std::move(description)));
  } catch (const SQLite::Exception& e) {
    return Status(Code::failed_precondition,
                  fmt::format("cannot open the store {}: {}", where, e.what()));
  }
}

SqliteStore::SqliteStore(std::unique_ptr<SQLite::Database> db, Post post, std::string description)
    : description_(std::move(description)), writer_(std::move(db), std::move(post)) {}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::close() { writer_.stop(); }

// A body returns Result<T>: its own refusals (no such room) are results, while a database
// error is an SQLite::Exception that the writer turns into this job's failure.
template <class T, class Body>
void SqliteStore::submit(bool write, Done<T> done, Body body) {
  writer_.submit(Job{
      .write = write,
      .run = [done, body = std::move(body)](SQLite::Database& db) -> std::function<void()> {
        Result<T> result = body(db);
        return [done, result = std::move(result)]() mutable { done(std::move(result)); };
      },
      .fail = [done](Status s) { done(std::move(s)); },
  });
}

void SqliteStore::create_room(std::string name, std::int64_t now_ms, Done<StoredRoom> done) {
  submit<StoredRoom>(true, std::move(done), [name = std::move(name), now_ms](SQLite::Database& db)
                                                -> Result<StoredRoom> {
    SQLite::Statement q(db,
                        "INSERT INTO rooms(name, created_ms) VALUES(?, ?) ON CONFLICT DO NOTHING "
                        "RETURNING name, epoch, last_id, created_ms");
    q.bind(1, name);
    q.bind(2, static_cast<int64_t>(now_ms));
    if (!q.executeStep()) return Status(Code::already_exists, "the room exists already");
    return read_room(q);
  });
}

void SqliteStore::delete_room(std::string name, Done<bool> done) {
  submit<bool>(true, std::move(done), [name = std::move(name)](SQLite::Database& db) -> Result<bool> {
    SQLite::Statement q(db, "DELETE FROM rooms WHERE name = ?");
    q.bind(1, name);
    if (q.exec() == 0) return Status(Code::not_found, "no such room");
    return true;
  });
}

void SqliteStore::rooms(Done<std::vector<StoredRoom>> done) {
  submit<std::vector<StoredRoom>>(false, std::move(done), [](SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT name, epoch, last_id, created_ms FROM rooms ORDER BY name");
    std::vector<StoredRoom> out;
    while (q.executeStep()) out.push_back(read_room(q));
    return Result<std::vector<StoredRoom>>(std::move(out));
  });
}

void SqliteStore::append(StoredMessage message, Done<StoredMessage> done) {
  submit<StoredMessage>(true, std::move(done), [message = std::move(message)](SQLite::Database& db)
                                                   -> Result<StoredMessage> {
    StoredMessage m = message;
    SQLite::Statement next(db,
                           "UPDATE rooms SET last_id = last_id + 1 WHERE name = ? "
                           "RETURNING epoch, last_id");
    next.bind(1, m.room);
    if (!next.executeStep()) return Status(Code::not_found, "no such room");
    const auto epoch = next.getColumn(0).getInt64();
    m.id = static_cast<std::uint64_t>(next.getColumn(1).getInt64());
    next.reset();
    SQLite::Statement insert(
        db, "INSERT INTO messages(epoch, id, sender, body, sent_ms) VALUES(?, ?, ?, ?, ?)");
    insert.bind(1, static_cast<int64_t>(epoch));
    insert.bind(2, static_cast<int64_t>(m.id));
    insert.bind(3, m.from);
    insert.bind(4, m.text);
    insert.bind(5, static_cast<int64_t>(m.sent_ms));
    insert.exec();
    return m;
  });
}

void SqliteStore::history(std::string room, std::uint64_t before_id, std::size_t limit,
                          Done<std::vector<StoredMessage>> done) {
  submit<std::vector<StoredMessage>>(
      false, std::move(done),
      [room = std::move(room), before_id, limit](SQLite::Database& db)
          -> Result<std::vector<StoredMessage>> {
        // Newest first to take the last `limit`, then turned oldest first.
        SQLite::Statement q(db,
                            "SELECT m.id, m.sender, m.body, m.sent_ms FROM messages m "
                            "JOIN rooms r ON r.epoch = m.epoch WHERE r.name = ? AND m.id < ? "
                            "ORDER BY m.id DESC LIMIT ?");
        q.bind(1, room);
        q.bind(2, before_id == 0 ? INT64_MAX : static_cast<int64_t>(before_id));
        q.bind(3, static_cast<int64_t>(limit));
        std::vector<StoredMessage> out;
        while (q.executeStep()) {
          out.push_back(StoredMessage{.room = room,
                                      .id = static_cast<std::uint64_t>(q.getColumn(0).getInt64()),
                                      .from = q.getColumn(1).getString(),
                                      .text = q.getColumn(2).getString(),
                                      .sent_ms = q.getColumn(3).getInt64()});
        }
        return std::vector<StoredMessage>(out.rbegin(), out.rend());
      });
}

}  // namespace chatcore::store
