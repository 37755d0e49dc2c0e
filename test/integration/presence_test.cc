// Presence over real gRPC: away and back (seen in user lists, by the members of one's rooms
// and, once per away period, by whoever sends a DM), Whois for online, away, offline and
// guest users, and the message rate a Welcome announces.
#include "identity_user.h"

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

const UserInfo* find_user(const std::vector<UserInfo>& users, const std::string& nick) {
  for (const auto& u : users) {
    if (u.nickname == nick) return &u;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("away and back: room members see it, user lists show it, a DM is answered once") {
  TestServer server;
  TestUser alice{server, "alice"};
  TestUser bob{server, "bob"};
  TestUser dave{server, "dave"};
  REQUIRE(alice->create_room("lounge").ok());
  REQUIRE(bob->join_room("lounge").ok());
  alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "bob"; });
  bob.log().next_of<MemberJoined>();

  const auto away = alice->set_away("at lunch");
  REQUIRE_MESSAGE(away.ok(), away.status().to_string());
  CHECK(*away);
  for (TestUser* u : {&alice, &bob}) {
    CAPTURE(u->nick());
    const auto p = u->log().next_notice<PresenceChanged>();
    CHECK(p.nickname == "alice");
    CHECK(p.presence == Presence::away);
    CHECK(p.away_message == "at lunch");
  }
  server.expect_quiet(dave);  // shares no room with alice
  const auto members = bob->list_users("lounge");
  REQUIRE(members.ok());
  REQUIRE(find_user(*members, "alice") != nullptr);
  CHECK(find_user(*members, "alice")->presence == Presence::away);
  CHECK(find_user(*members, "alice")->away_message == "at lunch");
  CHECK(find_user(*members, "bob")->presence == Presence::online);

  // The first DM gets its sender one notice, after its own echo; the second none.
  REQUIRE(dave->send_direct("alice", "lunch where?").ok());
  CHECK(dave.log().next_of<DirectMessage>().text == "lunch where?");
  const auto notice = dave.log().next_notice<AwayNotice>();
  CHECK(notice.nickname == "alice");
  CHECK(notice.away_message == "at lunch");
  REQUIRE(dave->send_direct("alice", "hello?").ok());
  CHECK(dave.log().next_of<DirectMessage>().text == "hello?");
  server.expect_quiet(dave);
  // Another sender is told too.
  REQUIRE(bob->send_direct("alice", "ping").ok());
  bob.log().next_of<DirectMessage>();
  CHECK(bob.log().next_notice<AwayNotice>().nickname == "alice");

  // Back: seen by the room, and the next away period tells dave again.
  const auto back = alice->set_away("");
  REQUIRE(back.ok());
  CHECK_FALSE(*back);
  CHECK(bob.log().next_notice<PresenceChanged>().presence == Presence::online);
  REQUIRE(dave->send_direct("alice", "back?").ok());
  dave.log().next_of<DirectMessage>();
  server.expect_quiet(dave);
  REQUIRE(alice->set_away("gone again").ok());
  REQUIRE(dave->send_direct("alice", "and now?").ok());
  dave.log().next_of<DirectMessage>();
  CHECK(dave.log().next_notice<AwayNotice>().away_message == "gone again");
}

TEST_CASE("an away message is checked like a topic") {
  TestServer server;
  TestUser alice{server, "alice"};
  const auto long_one = alice->set_away(std::string(201, 'z'));
  CHECK(long_one.status().code == Code::invalid_argument);
  CHECK(long_one.status().message == "away message is 201 bytes; the limit is 200 bytes");
  CHECK(alice->set_away("bell\x07").status().code == Code::invalid_argument);
  CHECK(alice->set_away("\xFF").status().code == Code::invalid_argument);
  const auto me = alice->whois("alice");
  REQUIRE(me.ok());
  CHECK(me->presence == Presence::online);
  // Back while not away changes nothing and tells nobody.
  const auto back = alice->set_away("");
  REQUIRE(back.ok());
  CHECK_FALSE(*back);
  server.expect_quiet(alice);
}

TEST_CASE("whois: online, away, offline with last seen, guest, unknown") {
  TestServer server;
  TestUser asker{server, "asker"};
  auto ida = test::sign_in(server, "ida", 'i');
  {
    v1::CreateRoomRequest r;
    r.set_session(ida->token());
    r.set_name("zeta");
    v1::RoomResponse out;
    REQUIRE(test::call(ida->stub(), &v1::Chat::Stub::CreateRoom, r, out).ok());
    r.set_name("alpha");
    REQUIRE(test::call(ida->stub(), &v1::Chat::Stub::CreateRoom, r, out).ok());
  }
  auto online = asker->whois("IDA");
  REQUIRE_MESSAGE(online.ok(), online.status().to_string());
  CHECK(online->nickname == "ida");
  CHECK_FALSE(online->guest);
  CHECK(online->online);
  CHECK(online->presence == Presence::online);
  CHECK(online->rooms == std::vector<std::string>{"alpha", "zeta"});
  CHECK(online->last_seen_unix_ms == 0);

  {
    v1::SetAwayRequest r;
    r.set_session(ida->token());
    r.set_message("brb");
    v1::SetAwayResponse out;
    REQUIRE(test::call(ida->stub(), &v1::Chat::Stub::SetAway, r, out).ok());
    CHECK(out.away());
  }
  const auto away = asker->whois("ida");
  REQUIRE(away.ok());
  CHECK(away->presence == Presence::away);
  CHECK(away->away_message == "brb");

  const auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  ida->close();
  test::wait_offline(asker, "ida");
  const auto offline = asker->whois("ida");
  REQUIRE(offline.ok());
  CHECK_FALSE(offline->online);
  CHECK(offline->presence == Presence::offline);
  CHECK(offline->away_message.empty());
  CHECK(offline->last_seen_unix_ms >= before);
  CHECK(offline->rooms == std::vector<std::string>{"alpha", "zeta"});  // still a member

  const auto guest = asker->whois("asker");
  REQUIRE(guest.ok());
  CHECK(guest->guest);
  CHECK(guest->rooms.empty());

  const auto unknown = asker->whois("nobody\x1b[31m");
  CHECK(unknown.status().code == Code::not_found);
  CHECK(unknown.status().message.find('\x1b') == std::string::npos);
  CHECK(asker->whois("").status().code == Code::invalid_argument);
}

TEST_CASE("the Welcome announces the message rate and burst, which the server keeps to") {
  TestServer server([](Config& c) { c.message_rate = {.per_second = 0.5, .burst = 4}; });
  TestUser alice{server, "alice"};
  const auto& limits = alice->welcome().limits;
  CHECK(limits.message_rate == 0.5);
  CHECK(limits.message_burst == 4);
  // A paste paced by them goes through up to the burst; one more at once is refused.
  for (int i = 0; i < 4; ++i) REQUIRE(alice->send_direct("alice", "line").ok());
  CHECK(alice->send_direct("alice", "one too many").status().code == Code::resource_exhausted);

  TestServer unlimited;
  TestUser bob{unlimited, "bob"};
  CHECK(bob->welcome().limits.message_rate == 0);
  CHECK(bob->welcome().limits.message_burst == 0);
}
