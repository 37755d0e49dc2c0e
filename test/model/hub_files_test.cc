#include "model/hub.h"

#include "fake_participant.h"

#include <doctest/doctest.h>

#include <set>

using namespace chatcore;
using chatcore::model::UploadTarget;
using chatcore::model::testing::HubFixture;

namespace {
constexpr std::string_view kSha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}

TEST_CASE_FIXTURE(HubFixture, "upload checks: size, destination and name") {
  const auto a = join("alice", pa);
  join("Bob", pb);
  const auto c = join("carol", pc);
  hub.create_room(a, "Room");
  hub.create_room(c, "other");

  auto to_room = hub.check_upload(a, "../../etc/passwd", 10, "room", "");
  REQUIRE(to_room.ok());
  CHECK(to_room->room == "Room");
  CHECK(to_room->recipient.empty());
  CHECK(to_room->safe_name == "passwd");
  auto to_user = hub.check_upload(a, "/abs/x", 10, "", "bob");
  REQUIRE(to_user.ok());
  CHECK(to_user->recipient == "Bob");
  CHECK(to_user->safe_name == "x");
  CHECK(hub.check_upload(a, "CON", 1, "", "bob")->safe_name == "_CON");

  auto code = [&](std::string_view name, std::uint64_t size, std::string_view room,
                  std::string_view to) { return hub.check_upload(a, name, size, room, to).status(); };
  CHECK(code("f", 1, "", "").code == Code::invalid_argument);
  CHECK(code("f", 1, "Room", "bob").code == Code::invalid_argument);
  CHECK(code("f", 0, "Room", "").message == "empty files are not accepted");
  CHECK(code("f", 1024, "Room", "").ok());
  CHECK(code("f", 1536, "Room", "").message == "file is 1.5 KiB; the limit is 1.0 KiB");
  CHECK(code("f", 1025, "Room", "").message == "file is 1025 bytes; the limit is 1024 bytes");
  CHECK(code("f", 1, "gone", "").code == Code::not_found);
  CHECK(code("f", 1, "other", "").code == Code::failed_precondition);
  CHECK(code("f", 1, "", "dave").code == Code::not_found);
  CHECK(code(std::string("a\0b", 3), 1, "Room", "").code == Code::invalid_argument);
  CHECK(code(std::string(10000, 'n'), 1, "Room", "").code == Code::invalid_argument);
  CHECK(code("..", 1, "Room", "").code == Code::invalid_argument);
}

TEST_CASE("file sizes over a GiB read as GiB") {
  model::ChatHub hub(model::HubConfig{});
  model::testing::FakeParticipant p;
  const auto a = *hub.connect("a", &p);
  hub.create_room(a, "r");
  const auto st = hub.check_upload(a, "big.iso", 3ull << 29, "r", "").status();
  CHECK(st.message == "file is 1.5 GiB; the limit is 1.0 GiB");
}

TEST_CASE("file ids are 32 random hex characters") {
  model::ChatHub hub(model::HubConfig{});
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto id = hub.new_file_id();
    CHECK(id.size() == 32);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 100);
}

TEST_CASE_FIXTURE(HubFixture, "a room file goes to the members of the moment, and only they") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto c = join("carol", pc);
  const auto d = join("dave", pd);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  pa.clear();
  pb.clear();
  pc.clear();

  auto target = hub.check_upload(a, "notes.txt", 12, "r", "");
  REQUIRE(target.ok());
  const auto id = hub.new_file_id();
  auto info = hub.publish_file(a, *target, id, 12, kSha);
  REQUIRE(info.ok());
  CHECK(info->id == id);
  CHECK(info->name == "notes.txt");
  CHECK(info->sender == "alice");
  CHECK(info->room == "r");
  CHECK(info->sha256 == kSha);
  CHECK(info->sent_unix_ms > 0);
  REQUIRE(pa.events.size() == 1);
  REQUIRE(pb.events.size() == 1);
  CHECK(pa.events[0] == pb.events[0]);
  CHECK(std::get<FileNotice>(pb.events[0]->body).file.id == id);
  CHECK(pc.events.empty());

  hub.join_room(c, "r");  // arrives after the upload
  CHECK(hub.authorize_download(a, id).ok());
  CHECK(hub.authorize_download(c, id).status().code == Code::permission_denied);
  CHECK(hub.authorize_download(d, id).status().code == Code::permission_denied);
  CHECK(hub.authorize_download(d, "feed").status().code == Code::not_found);

  hub.change_nick(b, "robert");
  hub.leave_room(b);
  auto got = hub.authorize_download(b, id);  // rights belong to the session, not the name
  REQUIRE(got.ok());
  CHECK(got->name == "notes.txt");
}

TEST_CASE_FIXTURE(HubFixture, "a direct file goes to recipient and uploader only") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto c = join("carol", pc);
  hub.create_room(a, "r");
  hub.join_room(c, "r");
  pa.clear();
  pc.clear();
  auto target = hub.check_upload(a, "secret.bin", 5, "", "BOB");
  REQUIRE(target.ok());
  const auto id = hub.new_file_id();
  auto info = hub.publish_file(a, *target, id, 5, kSha);
  REQUIRE(info.ok());
  CHECK(info->recipient == "bob");
  CHECK(pa.count<FileNotice>() == 1);
  CHECK(pb.count<FileNotice>() == 1);
  CHECK(pc.events.empty());
  CHECK(hub.authorize_download(b, id).ok());
  CHECK(hub.authorize_download(a, id).ok());
  CHECK(hub.authorize_download(c, id).status().message ==
        "file '" + id + "' was not sent to you");

  // To oneself: one notice, not two.
  auto self = hub.check_upload(a, "memo", 1, "", "alice");
  REQUIRE(self.ok());
  pa.clear();
  CHECK(hub.publish_file(a, *self, hub.new_file_id(), 1, kSha).ok());
  CHECK(pa.events.size() == 1);
}

TEST_CASE_FIXTURE(HubFixture, "publishing re-checks a destination that may have vanished") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  auto to_room = *hub.check_upload(a, "f", 1, "r", "");
  auto to_bob = *hub.check_upload(a, "f", 1, "", "bob");
  hub.leave_room(a);
  CHECK(hub.publish_file(a, to_room, hub.new_file_id(), 1, kSha).status().code ==
        Code::failed_precondition);
  hub.disconnect(b, "gone");
  CHECK(hub.publish_file(a, to_room, hub.new_file_id(), 1, kSha).status().code ==
        Code::failed_precondition);  // the room itself is gone now
  CHECK(hub.publish_file(a, to_bob, hub.new_file_id(), 1, kSha).status().code ==
        Code::failed_precondition);
  CHECK(hub.list_files(a).empty());
}

TEST_CASE_FIXTURE(HubFixture, "a direct file follows its recipient, not the nickname") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  auto to_bob = *hub.check_upload(a, "f", 1, "", "bob");

  SUBCASE("bob leaves and someone else takes the name before the upload completes") {
    hub.disconnect(b, "gone");
    const auto impostor = join("bob", pc);
    pc.clear();
    CHECK(hub.publish_file(a, to_bob, hub.new_file_id(), 1, kSha).status().code ==
          Code::failed_precondition);
    CHECK(pc.events.empty());
    CHECK(hub.list_files(impostor).empty());
  }
  SUBCASE("bob changes nickname before the upload completes: the file still reaches him") {
    REQUIRE(hub.change_nick(b, "robert").ok());
    pb.clear();
    auto info = hub.publish_file(a, to_bob, hub.new_file_id(), 1, kSha);
    REQUIRE(info.ok());
    CHECK(info->recipient == "robert");
    CHECK(pb.count<FileNotice>() == 1);
    CHECK(hub.list_files(b).size() == 1);
  }
}

TEST_CASE_FIXTURE(HubFixture, "list_files shows what a session may download, newest first") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto c = join("carol", pc);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  const auto first = hub.publish_file(a, *hub.check_upload(a, "one", 1, "r", ""),
                                      hub.new_file_id(), 1, kSha);
  const auto second = hub.publish_file(c, *hub.check_upload(c, "two", 1, "", "bob"),
                                       hub.new_file_id(), 1, kSha);
  const auto third = hub.publish_file(b, *hub.check_upload(b, "three", 1, "r", ""),
                                      hub.new_file_id(), 1, kSha);
  REQUIRE((first.ok() && second.ok() && third.ok()));
  const auto mine = hub.list_files(b);
  REQUIRE(mine.size() == 3);
  CHECK(mine[0].name == "three");
  CHECK(mine[1].name == "two");
  CHECK(mine[2].name == "one");
  const auto hers = hub.list_files(c);
  REQUIRE(hers.size() == 1);
  CHECK(hers[0].name == "two");
  CHECK(hub.list_files(a).size() == 2);
  CHECK(hub.list_files(12345).empty());
}

TEST_CASE_FIXTURE(HubFixture, "a file nobody may download any more leaves the registry") {
  const auto a = join("alice", pa);
  const auto b = join("bob", pb);
  const auto c = join("carol", pc);
  hub.create_room(a, "r");
  hub.join_room(b, "r");
  const auto room_file = *hub.publish_file(a, *hub.check_upload(a, "one", 7, "r", ""),
                                           hub.new_file_id(), 7, kSha);
  const auto to_carol = *hub.publish_file(a, *hub.check_upload(a, "two", 3, "", "carol"),
                                          hub.new_file_id(), 3, kSha);

  hub.disconnect(a, "gone");  // the sender goes; the recipients still hold both files
  CHECK(hub.take_dropped_files().empty());
  CHECK(hub.authorize_download(b, room_file.id).ok());

  hub.disconnect(c, "gone");
  auto dropped = hub.take_dropped_files();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].id == to_carol.id);
  CHECK(dropped[0].size == 3);
  CHECK(hub.take_dropped_files().empty());  // handed out once

  hub.disconnect(b, "gone");
  dropped = hub.take_dropped_files();
  REQUIRE(dropped.size() == 1);
  CHECK(dropped[0].id == room_file.id);
  const auto d = join("dave", pd);
  CHECK(hub.authorize_download(d, room_file.id).status().code == Code::not_found);
}

TEST_CASE("a user's stored files are capped, and the cap frees with the registry") {
  model::HubConfig config;
  config.max_files_per_user = 2;
  model::ChatHub hub(config);
  model::testing::FakeParticipant pa, pb, pc;
  const auto a = *hub.connect("alice", &pa);
  const auto b = *hub.connect("bob", &pb);
  const auto c = *hub.connect("carol", &pc);
  auto send = [&](model::SessionId from, std::string_view to) {
    auto target = hub.check_upload(from, "f", 1, "", to);
    if (!target.ok()) return target.status();
    return hub.publish_file(from, *target, hub.new_file_id(), 1, kSha).status();
  };
  auto early = *hub.check_upload(a, "f", 1, "", "bob");  // checked while under the cap
  CHECK(send(a, "bob").ok());
  CHECK(send(a, "carol").ok());
  const auto full = send(a, "bob");
  CHECK(full.code == Code::resource_exhausted);
  CHECK(full.message ==
        "you have 2 files stored, the limit; they are freed once everyone they went to has "
        "disconnected");
  CHECK(hub.publish_file(a, early, hub.new_file_id(), 1, kSha).status().code ==
        Code::resource_exhausted);
  CHECK(send(b, "alice").ok());  // the cap is per sender

  hub.disconnect(c, "gone");  // the file to carol is still alice's to download
  CHECK(send(a, "bob").code == Code::resource_exhausted);
  hub.disconnect(a, "gone");  // nobody holds the file to carol now: one of two is left
  const auto again = *hub.connect("Alice", &pc);  // the same user, by folded nickname
  CHECK(send(again, "bob").ok());
  CHECK(send(again, "bob").code == Code::resource_exhausted);
  hub.disconnect(b, "gone");  // drops the file only bob held; the new one is Alice's too
  CHECK(send(again, "alice").ok());
  CHECK(send(again, "alice").code == Code::resource_exhausted);
}
