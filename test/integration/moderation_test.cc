// Moderation over real gRPC through chatcore::Client: a server operator named by the prefix
// of its fingerprint, a room creator as that room's operator, and what each action shows,
// refuses and enforces. The store side (a ban surviving a restart) is in moderation_restart.
#include <sys/stat.h>

#include <fstream>

#include "../hardening/chatd_process.h"
#include "identity_client.h"
#include "identity_user.h"

using namespace chatcore;
using chatcore::test::EventLog;
using chatcore::test::TempDir;
using chatcore::test::TestServer;

namespace {

// The next moderation event in the log (anything else before it is skipped).
Moderated next_moderation(EventLog& log) {
  for (;;) {
    Event e = log.next();
    if (e.moderation) return *e.moderation;
  }
}

// A Client signed in with the identity made of `secret` (so its fingerprint is known before
// the server starts), logging its events, notices and moderation events in order.
struct Member {
  Member(const std::string& address, const TempDir& home, const std::string& nick, char secret)
      : log(std::make_unique<EventLog>()) {
    const auto file = home.path() / (nick + ".identity");
    {
      std::ofstream out(file, std::ios::binary);
      out << test::secret_of(secret);
    }
    REQUIRE(::chmod(file.c_str(), 0600) == 0);
    ClientOptions options;
    options.identity_file = file;
    options.state_dir = home.path() / (nick + ".state");
    EventLog* l = log.get();
    options.on_notice = [l](const Event& e) { l->push(e); };
    options.on_moderation = [l](const Event& e) { l->push(e); };
    auto opened = Client::open(address, options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
    client = std::move(*opened);
    auto w = client->login(nick, [l](const Event& e) { l->push(e); },
                           [l](const Status& s) { l->closed(s); });
    REQUIRE_MESSAGE(w.ok(), nick << ": " << w.status().to_string());
    welcome = *w;
  }
  Client* operator->() { return client.get(); }

  std::unique_ptr<EventLog> log;
  std::unique_ptr<Client> client;
  Welcome welcome;
};

std::string fingerprint(char secret) { return test::sha256_hex(test::secret_of(secret)); }

// "op" is a server operator (by a 16-digit prefix); ann created "den", bob joined it.
struct Den {
  TempDir home;
  TestServer server{[](Config& c) { c.operators = {fingerprint('o').substr(0, 16)}; }};
  Member op{server.address(), home, "op", 'o'};
  Member ann{server.address(), home, "ann", 'a'};
  Member bob{server.address(), home, "bob", 'b'};

  Den() {
    REQUIRE(ann->create_room("den").ok());
    REQUIRE(bob->join_room("den").ok());
    REQUIRE(op->join_room("den").ok());
  }
};

}  // namespace

TEST_CASE("Welcome shows the fingerprint; ListUsers and Whois mark the operators") {
  Den t;
  CHECK(t.op.welcome.fingerprint == fingerprint('o'));
  CHECK(t.op.welcome.server_operator);
  CHECK_FALSE(t.ann.welcome.server_operator);
  CHECK(t.ann.welcome.fingerprint == fingerprint('a'));
  const auto users = t.bob->list_users("den");
  REQUIRE(users.ok());
  REQUIRE(users->size() == 3);
  for (const auto& u : *users) {
    CAPTURE(u.nickname);
    CHECK(u.room_operator == (u.nickname == "ann"));
    CHECK(u.server_operator == (u.nickname == "op"));
  }
  const auto who = t.bob->whois("op");
  REQUIRE(who.ok());
  CHECK(who->server_operator);
}

TEST_CASE("a non-operator is refused with a readable PERMISSION_DENIED and nothing changes") {
  Den t;
  const auto kick = t.bob->kick("ann", "den", "no");
  REQUIRE_FALSE(kick.ok());
  CHECK(kick.status().code == Code::permission_denied);
  CHECK(kick.status().message ==
        "only the creator of room 'den' or a server operator may kick there");
  const auto ban = t.ann->ban("bob");  // a room operator, but server-wide
  CHECK(ban.status().code == Code::permission_denied);
  CHECK(t.ann->set_motd("hi").status().code == Code::permission_denied);
  CHECK(t.ann->kick("op", "den").status().code == Code::permission_denied);
  const auto users = t.ann->list_users("den");
  REQUIRE(users.ok());
  CHECK(users->size() == 3);
}

TEST_CASE("the room creator kicks from the room: the room sees who, why; the membership ends") {
  Den t;
  REQUIRE(t.ann->kick("bob", "den", "spam\x1b[2J").ok() == false);  // a control char: refused
  const auto kicked = t.ann->kick("bob", "den", "spam");
  REQUIRE_MESSAGE(kicked.ok(), kicked.status().to_string());
  for (Member* m : {&t.ann, &t.bob, &t.op}) {
    const auto e = next_moderation(*m->log);
    CHECK(e.action == ModerationAction::kick);
    CHECK(e.room == "den");
    CHECK(e.nickname == "bob");
    CHECK(e.by == "ann");
    CHECK(e.reason == "spam");
  }
  const auto left = t.bob.log->wait_for<MemberLeft>([](const auto& e) { return e.nickname == "bob"; });
  CHECK(left.reason == "kicked by ann: spam");
  const auto users = t.ann->list_users("den");
  REQUIRE(users.ok());
  CHECK(users->size() == 2);
  // A kick is not a ban: bob may come back.
  CHECK(t.bob->join_room("den").ok());
}

TEST_CASE("a room ban ends the membership and refuses JoinRoom until unbanned") {
  Den t;
  const auto until = t.ann->ban("bob", "den", std::chrono::seconds(3600), "flooding");
  REQUIRE_MESSAGE(until.ok(), until.status().to_string());
  CHECK(*until > 0);
  const auto e = next_moderation(*t.bob.log);
  CHECK(e.action == ModerationAction::ban);
  CHECK(e.until_unix_ms == *until);
  const auto join = t.bob->join_room("den");
  REQUIRE_FALSE(join.ok());
  CHECK(join.status().code == Code::permission_denied);
  CHECK(join.status().message.starts_with("you are banned from room 'den' by ann until 20"));
  CHECK(join.status().message.ends_with(" UTC: flooding"));
  REQUIRE(t.ann->unban("bob", "den").ok());
  CHECK(t.bob->join_room("den").ok());
  CHECK(t.ann->unban("bob", "den").status().code == Code::failed_precondition);
}

TEST_CASE("a mute refuses sends in the room (or, server-wide, DMs too) until unmuted") {
  Den t;
  REQUIRE(t.ann->mute("bob", "den", {}, "calm down").ok());
  auto sent = t.bob->send("den", "hello");
  REQUIRE_FALSE(sent.ok());
  CHECK(sent.status().code == Code::permission_denied);
  CHECK(sent.status().message == "you are muted in room 'den' by ann until lifted: calm down");
  CHECK(t.bob->send_direct("ann", "psst").ok());
  REQUIRE(t.op->mute("bob", "", {}, "").ok());
  CHECK(t.bob->send_direct("ann", "psst").status().code == Code::permission_denied);
  REQUIRE(t.op->unmute("bob").ok());
  REQUIRE(t.ann->unmute("bob", "den").ok());
  CHECK(t.bob->send("den", "hello").ok());
}

TEST_CASE("a server operator's kick from a room that does not exist kicks nobody") {
  Den t;
  CHECK(t.op->kick("bob", "nowhere").status().code == Code::not_found);
  CHECK(t.bob->send("den", "still here").ok());
}

TEST_CASE("a server ban ends the session and refuses Connect; a server kick only ends it") {
  Den t;
  REQUIRE(t.op->kick("bob", "", "go home").ok());
  CHECK(t.bob.log->wait_for<ShutdownNotice>().reason == "kicked by op: go home");
  t.bob.log->wait_closed();
  const auto back = test::IdentityUser::connect(t.server.address(), "bob", test::secret_of('b'));
  REQUIRE_MESSAGE(back.ok(), back.status().to_string());
  (*back)->close();
  test::TestUser watcher(t.server, "watcher");
  test::wait_offline(watcher, "bob");

  REQUIRE(t.op->ban("ann", "", {}, "enough").ok());
  CHECK(t.ann.log->wait_for<ShutdownNotice>().reason == "banned by op: enough");
  const auto refused = test::IdentityUser::connect(t.server.address(), "ann", test::secret_of('a'));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code == Code::permission_denied);
  CHECK(refused.status().message == "you are banned from this server by op until lifted: enough");
  // Guests have no identity to hold a ban.
  test::TestUser guest(t.server, "guest");
  CHECK(t.op->ban("guest").status().code == Code::failed_precondition);
  REQUIRE(t.op->unban("ann").ok());
  CHECK(test::IdentityUser::connect(t.server.address(), "ann", test::secret_of('a')).ok());
}

TEST_CASE("the MOTD is set by a server operator, shown to everyone and sent in the Welcome") {
  Den t;
  REQUIRE(t.op->set_motd("be nice").ok());
  const auto e = next_moderation(*t.bob.log);
  CHECK(e.action == ModerationAction::motd);
  CHECK(e.reason == "be nice");
  const auto later = test::IdentityUser::connect(t.server.address(), "cy", test::secret_of('c'));
  REQUIRE(later.ok());
  CHECK((*later)->welcome().motd == "be nice");
}

TEST_SUITE("restart") {
TEST_CASE("restart: bans, mutes, the room operator and the MOTD survive; chatd logs each action") {
  TempDir data;
  TempDir home;
  const std::vector<std::string> flags{"--operator", fingerprint('o')};
  {
    hardening::ChatdProcess chatd(data.path(), 0, flags);
    Member op{chatd.address(), home, "op", 'o'};
    Member ann{chatd.address(), home, "ann", 'a'};
    Member bob{chatd.address(), home, "bob", 'b'};
    REQUIRE(ann->create_room("den").ok());
    REQUIRE(bob->join_room("den").ok());
    REQUIRE(op->set_motd("welcome back").ok());
    REQUIRE(ann->mute("bob", "den", {}, "hush").ok());
    REQUIRE(op->ban("bob", "", std::chrono::seconds(3600), "bye\nnow").ok() == false);
    REQUIRE(op->ban("bob", "", std::chrono::seconds(3600), "bye").ok());
    chatd.wait_for_line("moderation: op ban bob: bye");
    chatd.stop();
  }
  hardening::ChatdProcess chatd(data.path(), 0, flags);
  const auto refused = test::IdentityUser::connect(chatd.address(), "bob", test::secret_of('b'));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code == Code::permission_denied);
  CHECK(refused.status().message.starts_with("you are banned from this server by op until 20"));
  Member ann{chatd.address(), home, "ann", 'a'};
  CHECK(ann.welcome.motd == "welcome back");
  Member op{chatd.address(), home, "op", 'o'};
  REQUIRE(op->unban("bob").ok());
  Member bob{chatd.address(), home, "bob", 'b'};
  // Still muted in the room, and ann is still its operator.
  CHECK(bob->send("den", "hi").status().code == Code::permission_denied);
  REQUIRE(ann->unmute("bob", "den").ok());
  CHECK(bob->send("den", "hi").ok());
}
}  // TEST_SUITE

TEST_CASE("a room operator locks the topic: only operators may set it until it is unlocked") {
  Den t;
  REQUIRE(t.bob->set_topic("den", "bob's topic").ok());  // unlocked: any member may
  const auto denied = t.bob->lock_topic("den");
  CHECK(denied.status().code == Code::permission_denied);
  CHECK(denied.status().message ==
        "only the creator of room 'den' or a server operator may lock the topic there");

  REQUIRE(t.ann->lock_topic("den").ok());
  for (Member* m : {&t.ann, &t.bob, &t.op}) {
    const auto e = next_moderation(*m->log);
    CHECK(e.action == ModerationAction::topic_lock);
    CHECK(e.room == "den");
    CHECK(e.by == "ann");
  }
  CHECK(t.ann->lock_topic("den").status().code == Code::failed_precondition);  // already
  const auto refused = t.bob->set_topic("den", "mine again");
  CHECK(refused.status().code == Code::permission_denied);
  CHECK(refused.status().message == "the topic of #den is locked by its operators");
  const auto cleared = t.bob->set_topic("den", "");  // clearing it is setting it too
  CHECK(cleared.status().code == Code::permission_denied);
  auto rooms = t.ann->list_rooms();
  REQUIRE(rooms.ok());
  REQUIRE(rooms->size() == 1);
  CHECK(rooms->front().topic == "bob's topic");
  // The room's creator and a server operator still may.
  REQUIRE(t.ann->set_topic("den", "ann's topic").ok());
  const auto by_op = t.op->set_topic("den", "op's topic");
  REQUIRE_MESSAGE(by_op.ok(), by_op.status().to_string());
  CHECK(by_op->topic == "op's topic");

  // A server operator unlocks it; bob may set it again.
  REQUIRE(t.op->lock_topic("den", false).ok());
  const auto e = next_moderation(*t.bob.log);
  CHECK(e.action == ModerationAction::topic_unlock);
  CHECK(e.by == "op");
  CHECK(t.op->lock_topic("den", false).status().code == Code::failed_precondition);
  REQUIRE(t.bob->set_topic("den", "bob's again").ok());
  CHECK(t.op->lock_topic("").status().code == Code::invalid_argument);
  CHECK(t.op->lock_topic("nowhere").status().code == Code::not_found);
}

TEST_SUITE("restart") {
TEST_CASE("restart: a topic lock survives, and still holds for members who are not operators") {
  TempDir data;
  TempDir home;
  {
    hardening::ChatdProcess chatd(data.path(), 0);
    Member ann{chatd.address(), home, "ann", 'a'};
    Member bob{chatd.address(), home, "bob", 'b'};
    REQUIRE(ann->create_room("den").ok());
    REQUIRE(bob->join_room("den").ok());
    REQUIRE(ann->lock_topic("den").ok());
    chatd.wait_for_line("moderation: ann lock the topic");
    chatd.stop();
  }
  hardening::ChatdProcess chatd(data.path(), 0);
  Member bob{chatd.address(), home, "bob", 'b'};
  CHECK(bob->set_topic("den", "mine").status().message == "the topic of #den is locked by its operators");
  Member ann{chatd.address(), home, "ann", 'a'};
  REQUIRE(ann->lock_topic("den", false).ok());
  CHECK(bob->set_topic("den", "mine").ok());
}
}  // TEST_SUITE
