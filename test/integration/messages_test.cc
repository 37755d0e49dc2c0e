// Room messages, direct messages, nickname changes and user lists over real gRPC.
#include "harness.h"

#include <mutex>
#include <thread>

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

// alice and bob in "lounge", carol in "den", dave in the lobby; every log drained.
struct Town {
  TestServer server;
  TestUser alice{server, "alice"};
  TestUser bob{server, "bob"};
  TestUser carol{server, "carol"};
  TestUser dave{server, "dave"};

  Town() {
    REQUIRE(alice->create_room("lounge").ok());
    REQUIRE(bob->join_room("lounge").ok());
    REQUIRE(carol->create_room("den").ok());
    alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "bob"; });
    bob.log().next_of<MemberJoined>();
    carol.log().next_of<MemberJoined>();
  }
};

}  // namespace

TEST_CASE("room messages reach every member, the sender too, and no one else") {
  Town t;
  const auto id = t.alice->send("lounge", "hello lounge", 42);
  REQUIRE_MESSAGE(id.ok(), id.status().to_string());
  for (TestUser* u : {&t.alice, &t.bob}) {
    CAPTURE(u->nick());
    const auto m = u->log().next_of<RoomMessage>();
    CHECK(m.message_id == *id);
    CHECK(m.room == "lounge");
    CHECK(m.sender == "alice");
    CHECK(m.text == "hello lounge");
    CHECK(m.client_msg_id == 42);
    CHECK_FALSE(m.replay);
    CHECK(m.sent_unix_ms > 0);
  }
  t.server.expect_quiet(t.carol);
  t.server.expect_quiet(t.dave);

  // Multi-line UTF-8 text arrives unchanged.
  const std::string text = "line one\n\xED\x95\x9C\xEA\xB8\x80 \xF0\x9F\x98\x80\tend";
  REQUIRE(t.bob->send("lounge", text).ok());
  CHECK(t.alice.log().next_of<RoomMessage>().text == text);
  CHECK(t.bob.log().next_of<RoomMessage>().text == text);
}

TEST_CASE("room message errors") {
  Town t;
  CHECK(t.carol->send("lounge", "let me in").status().code == Code::failed_precondition);
  CHECK(t.dave->send("lounge", "from the lobby").status().code == Code::failed_precondition);
  CHECK(t.alice->send("nowhere", "hi").status().code == Code::not_found);
  CHECK(t.alice->send("lounge", std::string(4097, 'a')).status().code == Code::invalid_argument);
  CHECK(t.alice->send("lounge", "").status().code == Code::invalid_argument);
  CHECK(t.alice->send("lounge", "bell\x07").status().code == Code::invalid_argument);
  // Exactly the limit is fine.
  REQUIRE(t.alice->send("lounge", std::string(4096, 'b')).ok());
  CHECK(t.bob.log().next_of<RoomMessage>().text.size() == 4096);
  // None of the refused messages reached anyone.
  CHECK(t.alice.log().next_of<RoomMessage>().text.size() == 4096);
  t.server.expect_quiet(t.bob);
  t.server.expect_quiet(t.carol);
}

TEST_CASE("direct messages: to the lobby and into a room, echoed, private") {
  Town t;
  const auto id = t.dave->send_direct("alice", "psst", 7);
  REQUIRE_MESSAGE(id.ok(), id.status().to_string());
  for (TestUser* u : {&t.alice, &t.dave}) {
    CAPTURE(u->nick());
    const auto m = u->log().next_of<DirectMessage>();
    CHECK(m.message_id == *id);
    CHECK(m.sender == "dave");
    CHECK(m.recipient == "alice");
    CHECK(m.text == "psst");
    CHECK(m.client_msg_id == 7);
  }
  t.server.expect_quiet(t.bob);  // alice's room mate

  REQUIRE(t.alice->send_direct("dave", "back at you").ok());
  CHECK(t.dave.log().next_of<DirectMessage>().sender == "alice");
  CHECK(t.alice.log().next_of<DirectMessage>().recipient == "dave");
  t.server.expect_quiet(t.carol);

  CHECK(t.alice->send_direct("nobody", "hello?").status().code == Code::not_found);
  CHECK(t.alice->send_direct("dave", std::string(4097, 'x')).status().code ==
        Code::invalid_argument);
  t.server.expect_quiet(t.dave);
}

TEST_CASE("listing users: everyone with their room, or one room's members") {
  Town t;
  const auto all = t.dave->list_users();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 4);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"alice", "lounge"}, {"bob", "lounge"}, {"carol", "den"}, {"dave", ""}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CHECK((*all)[i].nickname == expected[i].first);
    CHECK((*all)[i].room == expected[i].second);
  }
  const auto den = t.alice->list_users("den");
  REQUIRE(den.ok());
  REQUIRE(den->size() == 1);
  CHECK((*den)[0].nickname == "carol");
  CHECK((*den)[0].room == "den");
  CHECK(t.alice->list_users("nowhere").status().code == Code::not_found);
}

TEST_CASE("nick change: the room sees it, DMs follow the new name, files stay accessible") {
  Town t;
  // A file sent to alice before she renames herself.
  test::TempDir dir;
  const auto data = test::write_random_file(dir.path() / "note.bin", 1000);
  const auto sent = t.dave->upload(dir.path() / "note.bin", {.room = {}, .recipient = "alice"});
  REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
  CHECK(t.alice.log().next_of<FileNotice>().file.id == sent->id);

  const auto renamed = t.alice->change_nick("alicia");
  REQUIRE_MESSAGE(renamed.ok(), renamed.status().to_string());
  CHECK(*renamed == "alicia");
  t.alice.set_nick("alicia");
  for (TestUser* u : {&t.alice, &t.bob}) {
    CAPTURE(u->nick());
    const auto e = u->log().next_of<NickChanged>();
    CHECK(e.old_nickname == "alice");
    CHECK(e.new_nickname == "alicia");
    CHECK(e.room == "lounge");
  }
  t.server.expect_quiet(t.carol);

  CHECK(t.bob->change_nick("alicia").status().code == Code::already_exists);
  CHECK(t.bob->change_nick("bad name").status().code == Code::invalid_argument);
  CHECK(t.dave->send_direct("alice", "old name").status().code == Code::not_found);
  REQUIRE(t.dave->send_direct("alicia", "new name").ok());
  const auto dm = t.alice.log().next_of<DirectMessage>();
  CHECK(dm.text == "new name");
  CHECK(dm.recipient == "alicia");

  // Room messages carry the new name.
  REQUIRE(t.alice->send("lounge", "it's me").ok());
  CHECK(t.bob.log().next_of<RoomMessage>().sender == "alicia");

  // The permission belongs to the session, not to the name.
  const auto got = t.alice->download(sent->id, dir.path() / "got.bin");
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(test::read_file(dir.path() / "got.bin") == data);
  TestUser impostor(t.server, "alice");
  CHECK(impostor->download(sent->id, dir.path() / "stolen.bin").status().code ==
        Code::permission_denied);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "stolen.bin"));

  // In the lobby, a rename is echoed to the user alone.
  REQUIRE(t.dave->change_nick("david").ok());
  const auto own = t.dave.log().wait_for<NickChanged>();
  CHECK(own.new_nickname == "david");
  CHECK(own.room.empty());
}

TEST_CASE("unary calls from several threads while events stream in") {
  Town t;
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::vector<std::string> failures;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kEach; ++n) {
        const auto cid = static_cast<std::uint64_t>(i * 1000 + n);
        if (auto r = t.alice->send("lounge", "x", cid); !r.ok()) {
          std::lock_guard lock(mu);
          failures.push_back(r.status().to_string());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE_MESSAGE(failures.empty(), failures.size() << " sends failed, first: " << failures[0]);
  // Each thread's messages arrive in the order that thread sent them.
  std::vector<int> next(kThreads, 0);
  for (int k = 0; k < kThreads * kEach; ++k) {
    const auto m = t.bob.log().next_of<RoomMessage>();
    const int thread = static_cast<int>(m.client_msg_id / 1000);
    REQUIRE(thread < kThreads);
    CHECK(static_cast<int>(m.client_msg_id % 1000) == next[thread]++);
  }
  t.server.expect_quiet(t.bob);
}

TEST_CASE("flood protection: messages beyond the burst are refused and reach no one") {
  // A refill of one token per 100 s: nothing comes back during the test.
  TestServer server([](Config& c) { c.message_rate = {.per_second = 0.01, .burst = 3}; });
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  REQUIRE(alice->create_room("lounge").ok());
  REQUIRE(bob->join_room("lounge").ok());
  bob.log().next_of<MemberJoined>();
  for (int i = 0; i < 3; ++i) REQUIRE(alice->send("lounge", "ok " + std::to_string(i)).ok());
  const auto refused = alice->send("lounge", "one too many");
  CHECK(refused.status().code == Code::resource_exhausted);
  CHECK(alice->send_direct("bob", "also a message").status().code == Code::resource_exhausted);
  // Other requests have their own budget.
  CHECK(alice->list_rooms().ok());
  for (int i = 0; i < 3; ++i) {
    CHECK(bob.log().next_of<RoomMessage>().text == "ok " + std::to_string(i));
  }
  server.expect_quiet(bob);
}
