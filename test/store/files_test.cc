// The file registry and interrupted uploads on real database files, and load() reading back
// everything the hub is seeded from after a restart.
#include "store_fixture.h"

namespace chatcore::store::test {
namespace {

Result<StoredIdentity> person(FakeLoop& loop, Store& s, const std::string& nick) {
  return sync<StoredIdentity>(loop, [&](auto done) {
    s.put_identity({.secret_hash = "h-" + nick, .nickname = nick, .created_ms = 1,
                    .last_seen_ms = 1},
                   done);
  });
}
StoredFile file(const std::string& id, std::vector<std::uint64_t> allowed) {
  return {.id = id, .name = "cat.png", .size = 1234, .sha256 = "ab12", .sender = "ann",
          .sender_identity = allowed.empty() ? 0 : allowed[0], .room = "go", .recipient = "",
          .sent_ms = 50, .allowed = std::move(allowed)};
}

TEST_CASE("a file is registered with who may download it; the last revoke removes it") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  const auto ann = person(loop, *s, "ann")->id;
  const auto bob = person(loop, *s, "bob")->id;
  REQUIRE(sync<bool>(loop, [&](auto done) { s->put_file(file("f1", {ann, bob}), done); }).ok());
  CHECK(sync<bool>(loop, [&](auto done) { s->put_file(file("f1", {ann}), done); }).status().code ==
        Code::already_exists);

  auto snap = s->load(0);
  REQUIRE(snap->files.size() == 1);
  const auto& f = snap->files[0];
  CHECK(f.id == "f1");
  CHECK(f.name == "cat.png");
  CHECK(f.size == 1234);
  CHECK(f.sha256 == "ab12");
  CHECK(f.sender == "ann");
  CHECK(f.sender_identity == ann);
  CHECK(f.room == "go");
  CHECK(f.sent_ms == 50);
  CHECK(f.allowed == std::vector<std::uint64_t>{ann, bob});

  auto revoke = [&](std::uint64_t who) {
    return sync<bool>(loop, [&](auto done) { s->revoke_file("f1", who, done); });
  };
  CHECK(*revoke(bob) == false);  // ann may still download it
  CHECK(s->load(0)->files.at(0).allowed == std::vector<std::uint64_t>{ann});
  CHECK(*revoke(ann) == true);  // nobody may: gone
  CHECK(s->load(0)->files.empty());
  CHECK(revoke(ann).status().code == Code::not_found);

  REQUIRE(sync<bool>(loop, [&](auto done) { s->put_file(file("f2", {ann}), done); }).ok());
  CHECK(sync<bool>(loop, [&](auto done) { s->remove_file("f2", done); }).ok());
  CHECK(sync<bool>(loop, [&](auto done) { s->remove_file("f2", done); }).status().code ==
        Code::not_found);
  // Rights are identities': an unknown one is refused, the whole put with it.
  CHECK_FALSE(sync<bool>(loop, [&](auto done) { s->put_file(file("f3", {ann, 999}), done); }).ok());
  CHECK(s->load(0)->files.empty());
}

TEST_CASE("an upload is recorded and updated by key, and removed") {
  TempDir dir;
  FakeLoop loop;
  auto s = open_ok(dir.path() / "chatcore.db", loop);
  StoredUpload u{.key = "k1", .identity = 3, .file_id = "p1", .name = "big.iso", .size = 9000,
                 .sha256 = "ff", .room = "", .recipient = "bob", .received = 100,
                 .updated_ms = 10};
  REQUIRE(sync<bool>(loop, [&](auto done) { s->put_upload(u, done); }).ok());
  u.received = 4096;
  u.updated_ms = 20;
  REQUIRE(sync<bool>(loop, [&](auto done) { s->put_upload(u, done); }).ok());
  auto snap = s->load(0);
  REQUIRE(snap->uploads.size() == 1);
  const auto& got = snap->uploads[0];
  CHECK(got.key == "k1");
  CHECK(got.identity == 3);
  CHECK(got.file_id == "p1");
  CHECK(got.name == "big.iso");
  CHECK(got.size == 9000);
  CHECK(got.sha256 == "ff");
  CHECK(got.recipient == "bob");
  CHECK(got.received == 4096);
  CHECK(got.updated_ms == 20);
  CHECK(sync<bool>(loop, [&](auto done) { s->remove_upload("k1", done); }).ok());
  CHECK(sync<bool>(loop, [&](auto done) { s->remove_upload("k1", done); }).status().code ==
        Code::not_found);
  CHECK(s->load(0)->uploads.empty());
}

TEST_CASE("load after a restart: identities, rooms, members, files and the recent messages") {
  TempDir dir;
  const auto path = dir.path() / "chatcore.db";
  std::uint64_t ann = 0;
  {
    FakeLoop loop;
    auto s = open_ok(path, loop);
    ann = person(loop, *s, "ann")->id;
    for (const char* name : {"go", "rust", "empty"}) {
      REQUIRE(sync<StoredRoom>(loop, [&](auto done) { s->create_room(name, 3, done); }).ok());
    }
    REQUIRE(sync<bool>(loop, [&](auto done) { s->add_member({ann, "rust", 4}, done); }).ok());
    for (int i = 1; i <= 5; ++i) {
      for (const char* room : {"go", "rust"}) {
        const auto text = std::string(room) + std::to_string(i);
        REQUIRE(sync<StoredMessage>(loop, [&](auto done) {
                  s->append({.room = room, .from = "ann", .text = text}, done);
                }).ok());
      }
    }
    REQUIRE(sync<StoredDirect>(loop, [&](auto done) {
              s->append_direct({.from_identity = ann, .from = "ann", .to = "x"}, done);
            }).ok());
    REQUIRE(sync<bool>(loop, [&](auto done) { s->put_file(file("f1", {ann}), done); }).ok());
  }
  FakeLoop loop;
  auto s = open_ok(path, loop);
  auto snap = s->load(3);
  REQUIRE_MESSAGE(snap.ok(), snap.status().to_string());
  REQUIRE(snap->identities.size() == 1);
  CHECK(snap->identities[0].id == ann);
  REQUIRE(snap->rooms.size() == 3);
  CHECK(snap->rooms[0].name == "empty");
  CHECK(snap->rooms[1].name == "go");
  CHECK(snap->rooms[1].last_id == 5);
  CHECK(snap->rooms[1].first_id == 1);
  REQUIRE(snap->members.size() == 1);
  CHECK(snap->members[0].room == "rust");
  CHECK(snap->files.size() == 1);
  CHECK(snap->last_direct_id == 1);
  // The last three of each room, oldest first, rooms by name.
  std::vector<std::string> recent;
  for (const auto& m : snap->recent) recent.push_back(m.room + ":" + m.text);
  CHECK(recent == std::vector<std::string>{"go:go3", "go:go4", "go:go5", "rust:rust3",
                                           "rust:rust4", "rust:rust5"});
  CHECK(snap->recent[0].epoch == snap->rooms[1].epoch);
  CHECK(s->load(0)->recent.empty());
}

}  // namespace
}  // namespace chatcore::store::test
