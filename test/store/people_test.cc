// Identities and memberships on real database files: ownership of a nickname, renames,
// memberships by room name, and what deleting an identity or a room takes with it.
#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

Result<StoredIdentity> put(FakeLoop& loop, Store& s, StoredIdentity identity) {
  return sync<StoredIdentity>(loop, [&](auto done) { s.put_identity(identity, done); });
}
StoredIdentity make(const std::string& hash, const std::string& nick, std::int64_t ms = 100) {
  return {.id = 0, .secret_hash = hash, .nickname = nick, .created_ms = ms, .last_seen_ms = ms};
}

TEST_CASE("an identity gets an id; its secret and its nickname (any case) are its own") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  auto bob = put(loop, *s, make("aa", "Bob"));
  REQUIRE_MESSAGE(bob.ok(), bob.status().to_string());
  CHECK(bob->id > 0);
  CHECK(bob->nickname == "Bob");
  CHECK(bob->created_ms == 100);

  auto thief = put(loop, *s, make("bb", "bOB"));
  CHECK(thief.status().code == Code::already_exists);
  CHECK(thief.status().message.find("belongs to another identity") != std::string::npos);
  CHECK(put(loop, *s, make("aa", "robert")).status().code == Code::already_exists);
  auto ann = put(loop, *s, make("bb", "ann"));
  REQUIRE(ann.ok());
  CHECK(ann->id != bob->id);
}

TEST_CASE("an identity is renamed and seen again; the old nickname is free, a taken one is not") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  auto bob = *put(loop, *s, make("aa", "bob"));
  auto ann = *put(loop, *s, make("bb", "ann"));

  auto renamed = put(loop, *s, {.id = bob.id, .nickname = "robert", .last_seen_ms = 500});
  REQUIRE_MESSAGE(renamed.ok(), renamed.status().to_string());
  CHECK(renamed->nickname == "robert");
  CHECK(renamed->last_seen_ms == 500);
  CHECK(renamed->created_ms == 100);   // kept
  CHECK(renamed->secret_hash == "aa");  // kept
  // Its own name in another case is still its own.
  CHECK(put(loop, *s, {.id = bob.id, .nickname = "Robert", .last_seen_ms = 600}).ok());
  CHECK(put(loop, *s, {.id = ann.id, .nickname = "ROBERT", .last_seen_ms = 1}).status().code ==
        Code::already_exists);
  CHECK(put(loop, *s, make("cc", "bob")).ok());
  CHECK(put(loop, *s, {.id = 999, .nickname = "x", .last_seen_ms = 1}).status().code ==
        Code::not_found);
}

TEST_CASE("memberships by room name; deleting an identity or a room takes its memberships") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  auto bob = *put(loop, *s, make("aa", "bob"));
  auto ann = *put(loop, *s, make("bb", "ann"));
  REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room("Go", 1, done); }).ok());
  REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room("rust", 1, done); }).ok());
  auto add = [&](std::uint64_t who, const std::string& room) {
    return sync<bool>(loop, [&](auto done) { s->add_member({who, room, 7}, done); });
  };
  CHECK(*add(bob.id, "go") == true);  // found case-insensitively
  CHECK(*add(bob.id, "GO") == false);  // a member already
  CHECK(*add(bob.id, "rust") == true);
  CHECK(*add(ann.id, "Go") == true);
  CHECK(add(ann.id, "nowhere").status().code == Code::not_found);
  CHECK(add(999, "rust").status().code == Code::not_found);

  auto snap = s->load(0);
  REQUIRE(snap.ok());
  REQUIRE(snap->members.size() == 3);
  CHECK(snap->members[0].room == "Go");  // the room's own spelling
  CHECK(snap->members[0].joined_ms == 7);

  auto remove = [&](std::uint64_t who, const std::string& room) {
    return sync<bool>(loop, [&](auto done) { s->remove_member(who, room, done); });
  };
  CHECK(remove(ann.id, "go").ok());
  CHECK(remove(ann.id, "go").status().code == Code::not_found);
  CHECK(remove(ann.id, "nowhere").status().code == Code::not_found);

  REQUIRE(sync<bool>(loop, [&](auto done) { s->delete_room("rust", done); }).ok());
  REQUIRE(sync<bool>(loop, [&](auto done) { s->delete_identity(bob.id, done); }).ok());
  CHECK(sync<bool>(loop, [&](auto done) { s->delete_identity(bob.id, done); }).status().code ==
        Code::not_found);
  snap = s->load(0);
  CHECK(snap->members.empty());
  REQUIRE(snap->identities.size() == 1);
  CHECK(snap->identities[0].nickname == "ann");
  REQUIRE(snap->rooms.size() == 1);  // a room outlives its members: deleting it is the hub's call
}

TEST_CASE("rooms are one per name whatever the case, and messages find them so") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room("Go", 1, done); }).ok());
  CHECK(sync<StoredRoom>(loop, [&](auto done) { s->create_room("gO", 1, done); }).status().code ==
        Code::already_exists);
  auto m = sync<StoredMessage>(loop, [&](auto done) { s->append({.room = "GO", .text = "x"}, done); });
  REQUIRE(m.ok());
  CHECK(m->room == "Go");
  CHECK(sync<bool>(loop, [&](auto done) { s->delete_room("go", done); }).ok());
}

}  // namespace
}  // namespace chatcore::store::test
