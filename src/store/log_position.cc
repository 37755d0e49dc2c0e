#include "store/log_position.h"

namespace chatcore::store {

namespace {
constexpr char kMark[] = "UPDATE cluster_log SET applied = ? WHERE id = 0";
constexpr char kRead[] = "SELECT applied FROM cluster_log WHERE id = 0";
}  // namespace

void mark_applied(Connection& c, std::uint64_t seq) {
  auto q = c.query(kMark);
  q->bind(1, static_cast<std::int64_t>(seq));
  q->exec();
}

std::uint64_t read_applied(Connection& c) {
  auto q = c.query(kRead);
  if (!q->executeStep()) return 0;
  return static_cast<std::uint64_t>(q->getColumn(0).getInt64());
}

}  // namespace chatcore::store
