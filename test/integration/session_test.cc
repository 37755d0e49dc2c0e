// Opening a client, logging in, nickname rules, and how sessions end.
#include "harness.h"

#include <atomic>

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {
ClientOptions quick(int ms) {
  ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(ms);
  return options;
}
}  // namespace

TEST_CASE("a malformed address is refused before any connection attempt") {
  for (const char* address : {"", "localhost", "127.0.0.1:", "127.0.0.1:http", "host:99999"}) {
    CAPTURE(address);
    auto client = Client::open(address, quick(200));
    REQUIRE_FALSE(client.ok());
    CHECK(client.status().code == Code::invalid_argument);
  }
}

TEST_CASE("nothing listening at the address gives UNAVAILABLE with a readable message") {
  auto client = Client::open("127.0.0.1:1", quick(300));
  REQUIRE_FALSE(client.ok());
  CHECK(client.status().code == Code::unavailable);
  CHECK(client.status().message.find("127.0.0.1:1") != std::string::npos);
}

TEST_CASE("login: the Welcome carries the server's limits and a token") {
  TestServer server([](Config& c) {
    c.limits.chunk_size = 16 * 1024;
    c.limits.max_file_size = 5 << 20;
    c.limits.history = 7;
    c.server_name = "test-chatd";
  });
  TestUser alice(server, "alice");
  CHECK(alice->logged_in());
  const Welcome& w = alice->welcome();
  CHECK(w.nickname == "alice");
  CHECK_FALSE(w.session.empty());
  CHECK(w.limits.chunk_size == 16 * 1024);
  CHECK(w.limits.max_file_size == 5u << 20);
  CHECK(w.limits.history == 7);
  CHECK(w.limits.max_message_bytes == 4096);
  CHECK(w.server.find("test-chatd") != std::string::npos);

  auto again = alice->login("alice2", {}, {});
  CHECK(again.status().code == Code::failed_precondition);
}

TEST_CASE("nickname rules") {
  TestServer server;
  TestUser alice(server, "alice");

  test::EventLog log;  // outlives the client, whose reader thread writes to it
  auto client = Client::open(server.address());
  REQUIRE(client.ok());
  Client& c = **client;
  auto on_event = [&log](const Event& e) { log.push(e); };
  auto on_closed = [&log](const Status& s) { log.closed(s); };

  SUBCASE("invalid nicknames are INVALID_ARGUMENT, and the same client may try again") {
    for (const std::string& bad : {std::string(), std::string("two words"), std::string("tab\there"),
                                  std::string("bell\x07"), std::string(33, 'x')}) {
      CAPTURE(bad);
      auto r = c.login(bad, on_event, on_closed);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code == Code::invalid_argument);
      CHECK_FALSE(c.logged_in());
    }
    auto ok = c.login(std::string(32, 'x'), on_event, on_closed);
    CHECK_MESSAGE(ok.ok(), ok.status().to_string());
  }

  SUBCASE("a taken nickname is ALREADY_EXISTS; another name on the same client works") {
    auto taken = c.login("alice", on_event, on_closed);
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.status().code == Code::already_exists);
    CHECK_FALSE(c.logged_in());

    auto ok = c.login("bob", on_event, on_closed);
    REQUIRE_MESSAGE(ok.ok(), ok.status().to_string());
    CHECK(ok->nickname == "bob");
    CHECK(c.logged_in());
    // The failed attempt left nothing behind: the first event is this session's Welcome.
    const auto welcome = log.next_of<Welcome>();
    CHECK(welcome.session == ok->session);
    auto users = c.list_users();
    REQUIRE(users.ok());
    REQUIRE(users->size() == 2);
    CHECK((*users)[0].nickname == "alice");
    CHECK((*users)[1].nickname == "bob");
  }

  SUBCASE("a Hangul nickname works") {
    const std::string nick = "\xEA\xB9\x80\xEB\xAF\xBC\xEC\xA4\x80";  // 김민준
    auto ok = c.login(nick, on_event, on_closed);
    REQUIRE_MESSAGE(ok.ok(), ok.status().to_string());
    CHECK(ok->nickname == nick);
    REQUIRE(alice->send_direct(nick, "annyeong").ok());
    log.next_of<Welcome>();
    const auto dm = log.next_of<DirectMessage>();
    CHECK(dm.recipient == nick);
    CHECK(dm.text == "annyeong");
  }

  c.close();
  // A failed login never opened a session, so only a successful one reports its end.
  CHECK(log.closed_count() <= 1);
}

TEST_CASE("calls without a session are FAILED_PRECONDITION") {
  TestServer server;
  auto client = Client::open(server.address());
  REQUIRE(client.ok());
  CHECK_FALSE((*client)->logged_in());
  CHECK((*client)->list_rooms().status().code == Code::failed_precondition);
  CHECK((*client)->send("room", "hi").status().code == Code::failed_precondition);
}

TEST_CASE("a client that closes leaves its room; the others see MemberLeft") {
  TestServer server;
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  REQUIRE(alice->create_room("lounge").ok());
  alice.log().next_of<MemberJoined>();
  REQUIRE(bob->join_room("lounge").ok());
  alice.log().next_of<MemberJoined>();
  bob.log().next_of<MemberJoined>();

  bob->close();
  CHECK_FALSE(bob->logged_in());
  CHECK(bob.log().wait_closed().code == Code::cancelled);
  bob->close();  // idempotent
  CHECK(bob.log().closed_count() == 1);
  CHECK(bob->list_rooms().status().code == Code::failed_precondition);

  const auto left = alice.log().next_of<MemberLeft>();
  CHECK(left.room == "lounge");
  CHECK(left.nickname == "bob");
  CHECK(left.members == 1);
  CHECK(left.reason == "disconnected");

  // The name is free again.
  TestUser bob2(server, "bob");
}

TEST_CASE("close() from inside the event handler ends the session") {
  TestServer server;
  TestUser alice(server, "alice");
  test::EventLog log;
  auto client = Client::open(server.address());
  REQUIRE(client.ok());
  Client* c = client->get();
  auto login = c->login(
      "bob",
      [&](const Event& e) {
        log.push(e);
        if (std::holds_alternative<DirectMessage>(e.body)) c->close();
      },
      [&](const Status& s) { log.closed(s); });
  REQUIRE(login.ok());
  REQUIRE(alice->send_direct("bob", "bye").ok());
  CHECK(log.wait_closed().code == Code::cancelled);
  CHECK_FALSE(c->logged_in());
  client->reset();  // joins the reader thread the handler could not join
  CHECK(log.closed_count() == 1);
}

TEST_CASE("server shutdown: every client gets a ShutdownNotice, then on_closed") {
  TestServer server;
  TestUser alice(server, "alice");
  TestUser bob(server, "bob");
  TestUser carol(server, "carol");
  REQUIRE(alice->create_room("lounge").ok());
  REQUIRE(bob->join_room("lounge").ok());
  REQUIRE(carol->join_room("lounge").ok());
  alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "carol"; });
  bob.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "carol"; });
  carol.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "carol"; });

  server.server().shutdown("maintenance");
  for (TestUser* user : {&alice, &bob, &carol}) {
    CAPTURE(user->nick());
    const auto notice = user->log().wait_for<ShutdownNotice>();
    CHECK(notice.reason == "maintenance");
    const Status closed = user->log().wait_closed();
    CHECK_MESSAGE(closed.ok(), closed.to_string());
    // The notice is the last event: not followed by the others leaving as their streams end.
    CHECK(user->log().pending() == 0);
    CHECK(user->log().closed_count() == 1);
    CHECK_FALSE(user->client().logged_in());
  }
}
