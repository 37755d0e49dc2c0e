// The database's schema as an ordered list of migrations: PRAGMA user_version says how many
// have run. Opening upgrades an older database and refuses one written by a newer chatd.
#pragma once

#include <SQLiteCpp/Database.h>

#include <span>

#include <chatcore/status.h>

namespace chatcore::store {

// Step i takes a database from version i to version i + 1.
struct Migration {
  const char* what;  // for the log line
  const char* sql;
};

// The schema this build writes.
std::span<const Migration> schema_migrations();

// Runs the missing steps, each in its own transaction. FAILED_PRECONDITION (naming both
// versions) for a database newer than `steps`. `from` is set to the version found.
Status migrate(SQLite::Database& db, std::span<const Migration> steps, int& from);

}  // namespace chatcore::store
