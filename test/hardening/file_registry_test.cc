// The file registry's bounds over real gRPC: a file nobody can download any more leaves the
// disk and the storage quota, and one user's stored files are capped.
#include <memory>

#include "raw.h"

using namespace chatcore;
using namespace chatcore::hardening;

TEST_SUITE("limits") {

TEST_CASE("a file whose sender and recipient left is deleted and its quota freed") {
  TestServer server([](Config& c) { c.storage_quota = 1 << 20; });
  auto alice = std::make_unique<TestUser>(server, "alice");
  auto bob = std::make_unique<TestUser>(server, "bob");
  TestUser carol(server, "carol");
  test::TempDir dir;
  const auto file = make_file(dir, "a.bin", 600 << 10);
  auto sent = (*alice)->upload(file, {.room = {}, .recipient = "bob"});
  REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
  CHECK(carol->upload(file, {.room = {}, .recipient = "carol"}).status().code ==
        Code::resource_exhausted);

  alice.reset();  // bob may still download it: it stays
  REQUIRE(poll([&] { return carol->list_users()->size() == 2; },
               [&] { server.round_trip(); }));
  expect_stored(server, {sent->id});
  bob.reset();
  Result<FileInfo> later = Status(Code::unknown, "not tried");
  const bool stored = poll(
      [&] {
        later = carol->upload(file, {.room = {}, .recipient = "carol"});
        return later.ok();
      },
      [&] { server.round_trip(); });
  REQUIRE_MESSAGE(stored, later.status().to_string());
  expect_stored_eventually(server, {later->id});
}

TEST_CASE("--max-files-per-user: the upload beyond the cap is RESOURCE_EXHAUSTED") {
  TestServer server([](Config& c) { c.max_files_per_user = 1; });
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  test::TempDir dir;
  const auto file = make_file(dir, "a.bin", 1000);
  REQUIRE(alice->upload(file, {.room = {}, .recipient = "bob"}).ok());
  const auto refused = alice->upload(file, {.room = {}, .recipient = "bob"}).status();
  CHECK(refused.code == Code::resource_exhausted);
  CHECK(refused.message.find("you have 1 files stored, the limit") != std::string::npos);
  CHECK(bob->upload(file, {.room = {}, .recipient = "alice"}).ok());
}

}  // TEST_SUITE
