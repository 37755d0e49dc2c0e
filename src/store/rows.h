// Rows to structs and structs to parameters: the one place that knows the column order of
// each SELECT list in sql.h, and that SQLite's integers are signed.
#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <string>

#include "store/store.h"

namespace chatcore::store {

inline std::uint64_t u64(SQLite::Statement& q, int column) {
  return static_cast<std::uint64_t>(q.getColumn(column).getInt64());
}
inline std::int64_t i64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

StoredRoom read_room(SQLite::Statement& q);
StoredMessage read_message(SQLite::Statement& q, const std::string& room, std::uint64_t epoch);
StoredDirect read_direct(SQLite::Statement& q);
StoredIdentity read_identity(SQLite::Statement& q);
StoredFile read_file(SQLite::Statement& q);
StoredUpload read_upload(SQLite::Statement& q);

// Names one conversation whatever its direction: both ends, sorted. An identity is its id
// (it may change nickname); a guest is its folded nickname.
std::string direct_pair(const StoredDirect& m);

}  // namespace chatcore::store
