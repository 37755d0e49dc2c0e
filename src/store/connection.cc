#include "store/connection.h"

namespace chatcore::store {

Query Connection::query(const char* sql) {
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(*db_, sql);
  return Query(*slot);
}

}  // namespace chatcore::store
