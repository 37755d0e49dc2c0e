// Action messages ("/me") and room topics over real gRPC: the kind travels with a message
// through fan-out, History and replay; a topic set by any member reaches the room and shows in
// every RoomInfo, and bad ones are refused without touching anyone's state.
#include "identity_user.h"

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

// alice and bob in "lounge", carol in the lobby; every log drained.
struct Lounge {
  TestServer server;
  TestUser alice{server, "alice"};
  TestUser bob{server, "bob"};
  TestUser carol{server, "carol"};

  Lounge() {
    REQUIRE(alice->create_room("lounge").ok());
    REQUIRE(bob->join_room("lounge").ok());
    alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "bob"; });
    bob.log().next_of<MemberJoined>();
  }
};

}  // namespace

TEST_CASE("an action keeps its kind: live, in History and in the replay of a join") {
  Lounge t;
  REQUIRE(t.alice->send("lounge", "waves", 1, MessageKind::action).ok());
  REQUIRE(t.alice->send("lounge", "hello", 2).ok());
  for (TestUser* u : {&t.alice, &t.bob}) {
    CAPTURE(u->nick());
    const auto action = u->log().next_of<RoomMessage>();
    CHECK(action.text == "waves");
    CHECK(action.kind == MessageKind::action);
    CHECK(u->log().next_of<RoomMessage>().kind == MessageKind::normal);
  }
  const auto page = t.bob->history("lounge");
  REQUIRE_MESSAGE(page.ok(), page.status().to_string());
  REQUIRE(page->messages.size() == 2);
  CHECK(page->messages[0].kind == MessageKind::action);
  CHECK(page->messages[1].kind == MessageKind::normal);

  REQUIRE(t.carol->join_room("lounge").ok());
  t.carol.log().next_of<HistoryReplay>();
  const auto replayed = t.carol.log().next_of<RoomMessage>();
  CHECK(replayed.replay);
  CHECK(replayed.kind == MessageKind::action);
  CHECK(t.carol.log().next_of<RoomMessage>().kind == MessageKind::normal);

  // A DM can be an action too, for both ends.
  REQUIRE(t.carol->send_direct("alice", "shrugs", 0, MessageKind::action).ok());
  CHECK(t.alice.log().wait_for<DirectMessage>().kind == MessageKind::action);
  CHECK(t.carol.log().wait_for<DirectMessage>().kind == MessageKind::action);
}

TEST_CASE("a message kind this server does not know is refused") {
  TestServer server;
  auto ann = test::sign_in(server, "ann", 'a');
  v1::SendDirectRequest r;
  r.set_session(ann->token());
  r.set_recipient("ann");
  r.set_text("hi");
  r.set_kind(static_cast<v1::MessageKind>(7));
  v1::SendResponse out;
  const auto status = test::call(ann->stub(), &v1::Chat::Stub::SendDirect, r, out);
  CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(status.error_message() == "unknown message kind 7");
}

TEST_CASE("any member sets the topic; the room's members see it, RoomInfo shows it") {
  Lounge t;
  const auto set = t.bob->set_topic("LOUNGE", "plans for friday \xF0\x9F\x8E\x89");
  REQUIRE_MESSAGE(set.ok(), set.status().to_string());
  CHECK(set->name == "lounge");
  CHECK(set->topic == "plans for friday \xF0\x9F\x8E\x89");
  CHECK(set->topic_by == "bob");
  CHECK(set->topic_unix_ms > 0);
  for (TestUser* u : {&t.alice, &t.bob}) {
    CAPTURE(u->nick());
    const auto changed = u->log().next_notice<TopicChanged>();
    CHECK(changed.room == "lounge");
    CHECK(changed.topic == set->topic);
    CHECK(changed.by == "bob");
  }
  t.server.expect_quiet(t.carol);

  const auto rooms = t.carol->list_rooms();
  REQUIRE(rooms.ok());
  REQUIRE(rooms->size() == 1);
  CHECK((*rooms)[0].topic == set->topic);
  CHECK((*rooms)[0].topic_by == "bob");
  const auto joined = t.carol->join_room("lounge");
  REQUIRE(joined.ok());
  CHECK(joined->topic == set->topic);
  CHECK(joined->topic_by == "bob");

  // Cleared by another member: nobody's name stays on it.
  const auto cleared = t.alice->set_topic("lounge", "");
  REQUIRE(cleared.ok());
  CHECK(cleared->topic.empty());
  CHECK(cleared->topic_by.empty());
  const auto gone = t.carol.log().wait_notice<TopicChanged>();
  CHECK(gone.topic.empty());
  CHECK(gone.by.empty());
}

TEST_CASE("bad topics and non-members are refused with a readable reason, the topic unchanged") {
  Lounge t;
  REQUIRE(t.alice->set_topic("lounge", "kept").ok());
  t.alice.log().next_notice<TopicChanged>();
  t.bob.log().next_notice<TopicChanged>();

  const auto too_long = t.alice->set_topic("lounge", std::string(391, 'x'));
  CHECK(too_long.status().code == Code::invalid_argument);
  CHECK(too_long.status().message == "topic is 391 bytes; the limit is 390 bytes");
  REQUIRE(t.alice->set_topic("lounge", std::string(390, 'x')).ok());  // the limit itself
  t.alice.log().next_notice<TopicChanged>();
  t.bob.log().next_notice<TopicChanged>();
  REQUIRE(t.alice->set_topic("lounge", "kept").ok());
  t.alice.log().next_notice<TopicChanged>();
  t.bob.log().next_notice<TopicChanged>();

  const auto newline = t.alice->set_topic("lounge", "two\nlines");
  CHECK(newline.status().code == Code::invalid_argument);
  CHECK(newline.status().message == "topic contains a control character (U+000A)");
  CHECK(t.alice->set_topic("lounge", "esc \x1b[2J").status().code == Code::invalid_argument);
  // Caught when the request is parsed, before the hub sees it.
  CHECK(t.alice->set_topic("lounge", "bad \xC3").status().code == Code::invalid_argument);
  CHECK(t.carol->set_topic("lounge", "mine now").status().code == Code::failed_precondition);
  const auto nowhere = t.alice->set_topic("no\x1bwhere", "x");
  CHECK(nowhere.status().code == Code::not_found);
  CHECK(nowhere.status().message.find('\x1b') == std::string::npos);

  const auto rooms = t.carol->list_rooms();
  REQUIRE(rooms.ok());
  CHECK((*rooms)[0].topic == "kept");
  t.server.expect_quiet(t.alice);
  t.server.expect_quiet(t.bob);
}
