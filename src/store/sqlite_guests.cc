// SqliteStore's guest nickname claims: in a cluster every replica applies them in log order, so
// the first claim of a nickname wins on every node, against identities too.
#include <utility>

#include "store/rows.h"
#include "store/sql.h"
#include "store/sqlite_store.h"

namespace chatcore::store {

namespace {
constexpr char kIdentityNamed[] = "SELECT 1 FROM identities WHERE lower(nickname) = lower(?)";
constexpr char kClaim[] = "INSERT INTO guest_claims(nickname, node, session) VALUES(?, ?, ?)";
constexpr char kRelease[] =
    "DELETE FROM guest_claims WHERE lower(nickname) = lower(?) AND node = ? AND session = ?";
constexpr char kReleaseNode[] = "DELETE FROM guest_claims WHERE node = ?";
}  // namespace

void SqliteStore::claim_guest(std::string nickname, std::string node, std::uint64_t session,
                              Done<bool> done) {
  submit<bool>(true, std::move(done),
               [nickname = std::move(nickname), node = std::move(node), session](
                   Connection& c) -> Result<bool> {
                 auto owned = c.query(kIdentityNamed);
                 owned->bind(1, nickname);
                 if (owned->executeStep()) return false;
                 auto held = c.query(sql::kGuestClaimByNick);
                 held->bind(1, nickname);
                 if (held->executeStep()) {
                   // The same session claiming again (a retried command) keeps its claim.
                   return u64(*held, 0) == session && held->getColumn(1).getString() == node;
                 }
                 auto q = c.query(kClaim);
                 q->bind(1, nickname);
                 q->bind(2, node);
                 q->bind(3, i64(session));
                 q->exec();
                 return true;
               });
}

void SqliteStore::release_guest(std::string nickname, std::string node, std::uint64_t session,
                                Done<bool> done) {
  submit<bool>(true, std::move(done),
               [nickname = std::move(nickname), node = std::move(node), session](
                   Connection& c) -> Result<bool> {
                 auto q = c.query(kRelease);
                 q->bind(1, nickname);
                 q->bind(2, node);
                 q->bind(3, i64(session));
                 return q->exec() > 0;
               });
}

void SqliteStore::release_node_guests(std::string node, Done<bool> done) {
  submit<bool>(true, std::move(done), [node = std::move(node)](Connection& c) -> Result<bool> {
    auto q = c.query(kReleaseNode);
    q->bind(1, node);
    return q->exec() > 0;
  });
}

}  // namespace chatcore::store
