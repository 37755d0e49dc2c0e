// Every read the store runs per request, and every lookup inside a write, is served by an
// index: SQLite's planner is asked, so a schema change that loses one fails here.
#include <SQLiteCpp/Database.h>

#include "store/sql.h"
#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

// The planner's lines for `sql`, e.g. "SEARCH messages USING PRIMARY KEY (epoch=? AND id>?)".
std::vector<std::string> plan(SQLite::Database& db, const char* sql) {
  SQLite::Statement q(db, std::string("EXPLAIN QUERY PLAN ") + sql);
  std::vector<std::string> out;
  while (q.executeStep()) out.push_back(q.getColumn(3).getString());
  return out;
}

// A database at the release schema, opened beside the store.
SQLite::Database fresh(const TempDir& dir) {
  const auto path = dir.path() / "chatcore.db";
  FakeLoop loop;
  open_ok(path, loop);
  return SQLite::Database(path.string());
}

TEST_CASE("the per-request reads and lookups never scan a table") {
  TempDir dir;
  auto db = fresh(dir);
  const char* indexed[] = {
      sql::kHistory,       sql::kSince,          sql::kDirectsSince,    sql::kRoomEpoch,
      sql::kLastId,        sql::kSetLastId,      sql::kDeleteRoom,      sql::kIdentityByHash,
      sql::kIdentityByNick,
      sql::kIdentityExists, sql::kUpdateIdentity, sql::kRemoveMember,   sql::kRoomsOf,
      sql::kFilesOf,       sql::kRoomHasMember,  sql::kAllowedLeft,     sql::kRevoke,
      sql::kFileExists,    sql::kDeleteFile,     sql::kRemoveUpload,    sql::kFirstMessageFrom,
      sql::kDeleteMessagesTo, sql::kPairCut,     sql::kDeletePairTo,    sql::kDeleteDirectsBefore,
      sql::kSetTopic,       sql::kDeleteRoomLife,
  };
  for (const char* sql : indexed) {
    for (const auto& line : plan(db, sql)) {
      // A subquery's own rows and EXISTS's one row are not tables.
      const bool table_scan = line.rfind("SCAN", 0) == 0 && line != "SCAN CONSTANT ROW" &&
                              line.rfind("SCAN (subquery", 0) != 0;
      const std::string what = std::string(sql) + ": " + line;
      CHECK_MESSAGE(!table_scan, what);
    }
  }
}

TEST_CASE("directs_since walks both of its indexes from the position asked for") {
  TempDir dir;
  auto db = fresh(dir);
  std::string all;
  for (const auto& line : plan(db, sql::kDirectsSince)) all += line + "\n";
  // Each half starts at after_id in its own index; only its `limit` rows are sorted.
  CHECK_MESSAGE(all.find("USING INDEX directs_from (from_identity=? AND id>?)") !=
                    std::string::npos, all);
  CHECK_MESSAGE(all.find("USING INDEX directs_to (to_identity=? AND id>?)") != std::string::npos,
                all);
}

}  // namespace
}  // namespace chatcore::store::test
