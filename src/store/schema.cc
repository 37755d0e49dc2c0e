#include "store/schema.h"

#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Transaction.h>

#include <fmt/format.h>

#include "util/log.h"

namespace chatcore::store {

namespace {
// Never edit a step once released: a database out there is at that version already.
constexpr Migration kSteps[] = {
    {"rooms and their message history",
     // AUTOINCREMENT: an epoch is never reused, even after the room with the highest is gone.
     "CREATE TABLE rooms ("
     "  epoch INTEGER PRIMARY KEY AUTOINCREMENT,"
     "  name TEXT NOT NULL UNIQUE,"
     "  created_ms INTEGER NOT NULL,"
     "  last_id INTEGER NOT NULL DEFAULT 0);"
     "CREATE TABLE messages ("
     "  epoch INTEGER NOT NULL REFERENCES rooms(epoch) ON DELETE CASCADE,"
     "  id INTEGER NOT NULL,"
     "  sender TEXT NOT NULL,"
     "  body TEXT NOT NULL,"
     "  sent_ms INTEGER NOT NULL,"
     "  PRIMARY KEY (epoch, id)) WITHOUT ROWID;"},
};
}  // namespace

std::span<const Migration> schema_migrations() { return kSteps; }

Status migrate(SQLite::Database& db, std::span<const Migration> steps, int& from) {
  const int known = static_cast<int>(steps.size());
  from = db.execAndGet("PRAGMA user_version").getInt();
  if (from > known) {
    return Status(Code::failed_precondition,
                  fmt::format("the database has schema version {}, this chatd knows up to {}: "
                              "it was written by a newer chatd (run that one, or use another "
                              "data dir)",
                              from, known));
  }
  for (int v = from; v < known; ++v) {
    SQLite::Transaction tx(db);
    db.exec(steps[static_cast<std::size_t>(v)].sql);
    db.exec(fmt::format("PRAGMA user_version = {}", v + 1));
    tx.commit();
    log::info("store: schema {} -> {}: {}", v, v + 1, steps[static_cast<std::size_t>(v)].what);
  }
  return {};
}

}  // namespace chatcore::store
