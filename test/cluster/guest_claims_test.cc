// Guests' nickname claims as every replica applies them: the first claim wins against other
// claims and identities alike, an identity cannot take a claimed nickname, and releases free it.
#include <doctest/doctest.h>

#include "store_fixture.h"

namespace chatcore::cluster::test {

using store::test::FakeLoop;
using store::test::open_ok;
using store::test::sync;
using store::test::TempDir;

namespace {
Result<bool> claim(FakeLoop& loop, store::SqliteStore& s, const std::string& nick,
                   const std::string& node, std::uint64_t session) {
  return sync<bool>(loop, [&](auto done) { s.claim_guest(nick, node, session, done); });
}
Result<store::StoredIdentity> register_as(FakeLoop& loop, store::SqliteStore& s,
                                          const std::string& nick, const std::string& hash) {
  return sync<store::StoredIdentity>(loop, [&](auto done) {
    s.put_identity({.id = 0, .secret_hash = hash, .nickname = nick, .created_ms = 1,
                    .last_seen_ms = 1},
                   done);
  });
}
}  // namespace

TEST_CASE("guest claims: first wins, identities are refused, releases free the nickname") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  CHECK(*claim(loop, *s, "Gus", "node-a", 1));
  CHECK_FALSE(*claim(loop, *s, "gus", "node-b", 7));  // ignoring case, like identities
  CHECK(*claim(loop, *s, "gus", "node-a", 1));         // the holder again: still its
  CHECK(register_as(loop, *s, "GUS", "h1").status().code == Code::already_exists);

  // Released by its session (not by another one), the nickname is free again.
  CHECK_FALSE(*sync<bool>(loop, [&](auto done) { s->release_guest("gus", "node-b", 7, done); }));
  CHECK(*sync<bool>(loop, [&](auto done) { s->release_guest("gus", "node-a", 1, done); }));
  CHECK(*claim(loop, *s, "gus", "node-b", 7));

  // A node's claims go at once when it restarts or dies.
  CHECK(*claim(loop, *s, "rex", "node-b", 8));
  CHECK(*sync<bool>(loop, [&](auto done) { s->release_node_guests("node-b", done); }));
  CHECK(register_as(loop, *s, "gus", "h2").ok());
  CHECK(*claim(loop, *s, "rex", "node-a", 2));
  // An identity's nickname cannot be claimed.
  CHECK_FALSE(*claim(loop, *s, "Gus", "node-c", 3));
}

}  // namespace chatcore::cluster::test
