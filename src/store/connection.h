// Connection is one SQLite connection with its prepared statements, kept for its lifetime so
// a hot write (an append) is bound and stepped, never parsed again. One thread uses it.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <unordered_map>

namespace chatcore::store {

// A cached statement lent to one use; reset when the use ends, so no read stays open.
class Query {
 public:
  explicit Query(SQLite::Statement& statement) : statement_(statement) {}
  ~Query() { statement_.tryReset(); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  SQLite::Statement* operator->() { return &statement_; }
  SQLite::Statement& operator*() { return statement_; }

 private:
  SQLite::Statement& statement_;
};

class Connection {
 public:
  explicit Connection(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}

  SQLite::Database& db() { return *db_; }
  // `sql` must be a string literal (or live as long as the connection): it is the cache key.
  Query query(const char* sql);
  // One statement run once with no parameters (transaction control, pragmas).
  void exec(const char* sql) { query(sql)->exec(); }
  // Rows changed by the last statement.
  int changes() const { return db_->getChanges(); }

 private:
  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace chatcore::store
