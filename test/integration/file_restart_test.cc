// The file registry outlives chatd: after a kill -9 and a restart on the same data dir, the
// uploader and the recipients (by identity) list and download the very bytes they were sent;
// an identity the file was not sent to and a guest are refused.
#include <signal.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <fstream>
#include <memory>

#include "../hardening/chatd_process.h"
#include "harness.h"
#include "identity_client.h"

using namespace chatcore;
using chatcore::hardening::ChatdProcess;

namespace {

// An identity of its own (a secret file under `home`), signed in as `nick`.
std::unique_ptr<Client> sign_in(const ChatdProcess& chatd, const test::TempDir& home,
                                const std::string& nick) {
  return test::identity_client(chatd.address(), home, nick);
}

std::filesystem::path make_file(const test::TempDir& dir, const std::string& name,
                                std::size_t size, char seed) {
  const auto path = dir.path() / name;
  std::ofstream out(path, std::ios::binary);
  for (std::size_t i = 0; i < size; ++i) out.put(static_cast<char>(seed + i * 31 % 251));
  return path;
}

bool lists(Client& client, const std::string& file_id) {
  auto files = client.list_files();
  REQUIRE_MESSAGE(files.ok(), files.status().to_string());
  for (const auto& f : *files) {
    if (f.id == file_id) return true;
  }
  return false;
}

void downloads_same(Client& client, const std::string& file_id,
                    const std::filesystem::path& original, const std::filesystem::path& dest) {
  auto got = client.download(file_id, dest);
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(test::read_file(dest) == test::read_file(original));
}

// alice, then bob, sign in; alice sends `file` to bob as a DM file; chatd stops cleanly.
// Returns the file's id.
std::string send_to_bob(const test::TempDir& data, const test::TempDir& home,
                        const std::filesystem::path& file) {
  ChatdProcess chatd(data.path(), 0);
  auto alice = sign_in(chatd, home, "alice");
  auto bob = sign_in(chatd, home, "bob");
  auto sent = alice->upload(file, {.room = {}, .recipient = "bob"});
  REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
  alice->close();
  bob->close();
  chatd.stop();
  return sent->id;
}

}  // namespace

TEST_SUITE("restart") {

TEST_CASE("restart: room and DM files survive kill -9 for their identities only") {
  test::TempDir data;
  test::TempDir home;
  test::TempDir scratch;
  const auto room_file = make_file(scratch, "room.bin", 300 << 10, 'r');
  const auto dm_file = make_file(scratch, "dm.bin", 70 << 10, 'd');
  std::string room_id;
  std::string dm_id;
  {
    auto chatd = std::make_unique<ChatdProcess>(data.path(), 0);
    auto alice = sign_in(*chatd, home, "alice");
    auto bob = sign_in(*chatd, home, "bob");
    auto carol = sign_in(*chatd, home, "carol");
    REQUIRE(alice->create_room("share").ok());
    REQUIRE(bob->join_room("share").ok());
    auto sent = alice->upload(room_file, {.room = "share", .recipient = {}});
    REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
    room_id = sent->id;
    sent = alice->upload(dm_file, {.room = {}, .recipient = "carol"});
    REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
    dm_id = sent->id;
    // Each upload was answered only once its record was committed.
    ::kill(chatd->pid(), SIGKILL);
    chatd.reset();
  }
  ChatdProcess chatd(data.path(), 0);
  auto alice = sign_in(chatd, home, "alice");
  auto bob = sign_in(chatd, home, "bob");
  auto carol = sign_in(chatd, home, "carol");
  auto dave = sign_in(chatd, home, "dave");  // an identity in no room, sent nothing

  CHECK(lists(*alice, room_id));
  CHECK(lists(*alice, dm_id));
  CHECK(lists(*bob, room_id));
  CHECK_FALSE(lists(*bob, dm_id));
  CHECK(lists(*carol, dm_id));
  CHECK_FALSE(lists(*carol, room_id));
  CHECK(dave->list_files()->empty());

  downloads_same(*alice, room_id, room_file, scratch.path() / "alice-room");
  downloads_same(*alice, dm_id, dm_file, scratch.path() / "alice-dm");
  downloads_same(*bob, room_id, room_file, scratch.path() / "bob-room");
  downloads_same(*carol, dm_id, dm_file, scratch.path() / "carol-dm");

  CHECK(bob->download(dm_id, scratch.path() / "bob-dm").status().code ==
        Code::permission_denied);
  CHECK(carol->download(room_id, scratch.path() / "carol-room").status().code ==
        Code::permission_denied);
  CHECK(dave->download(room_id, scratch.path() / "dave").status().code ==
        Code::permission_denied);
  auto guest = Client::open(chatd.address());
  REQUIRE(guest.ok());
  REQUIRE((*guest)->login("guest", [](const Event&) {}, [](const Status&) {}).ok());
  CHECK((*guest)->list_files()->empty());
  CHECK((*guest)->download(dm_id, scratch.path() / "guest").status().code ==
        Code::permission_denied);
}

TEST_CASE("restart: a file record whose file is gone from disk is dropped") {
  test::TempDir data;
  test::TempDir home;
  test::TempDir scratch;
  const auto file = make_file(scratch, "gone.bin", 10 << 10, 'g');
  const auto id = send_to_bob(data, home, file);
  REQUIRE(std::filesystem::remove(data.path() / id));
  ChatdProcess chatd(data.path(), 0);
  CHECK(chatd.wait_for_line("is missing on disk").find(id) != std::string::npos);
  auto bob = sign_in(chatd, home, "bob");
  CHECK(bob->list_files()->empty());
  CHECK(bob->download(id, scratch.path() / "bob").status().code == Code::not_found);
}

TEST_CASE("retention: a file older than --file-days leaves the registry and the disk") {
  test::TempDir data;
  test::TempDir home;
  test::TempDir scratch;
  const auto file = make_file(scratch, "old.bin", 20 << 10, 'o');
  const auto id = send_to_bob(data, home, file);
  REQUIRE(std::filesystem::exists(data.path() / id));
  {
    // Sent 31 days ago, as far as the registry knows.
    SQLite::Database db((data.path() / "db" / "chatcore.db").string(), SQLite::OPEN_READWRITE);
    SQLite::Statement age(db, "UPDATE files SET sent_ms = sent_ms - 31 * 86400000 WHERE id = ?");
    age.bind(1, id);
    REQUIRE(age.exec() == 1);
  }
  ChatdProcess chatd(data.path(), 0);  // --file-days 30, the default; retention runs at start
  CHECK(chatd.wait_for_line("retention removed").find("1 files") != std::string::npos);
  auto bob = sign_in(chatd, home, "bob");
  CHECK(bob->list_files()->empty());
  CHECK(bob->download(id, scratch.path() / "bob").status().code == Code::not_found);
  // Deleted on the I/O pool, which a clean stop joins.
  bob->close();
  chatd.stop();
  CHECK_FALSE(std::filesystem::exists(data.path() / id));
}

}  // TEST_SUITE
