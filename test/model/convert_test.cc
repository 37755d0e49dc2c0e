#include "transport/convert.h"

#include <doctest/doctest.h>

#include <string>

using namespace chatcore;

TEST_CASE("an event of an unknown kind is skipped, not taken for a shutdown") {
  // A newer server's event: seq 5 and a field number this build does not know.
  v1::Event known;
  known.set_seq(5);
  std::string wire;
  known.SerializeToString(&wire);
  wire += std::string("\xf2\x06\x03\x0a\x01x", 6);  // field 110, length-delimited
  v1::Event parsed;
  REQUIRE(parsed.ParseFromString(wire));
  CHECK(parsed.kind_case() == v1::Event::KIND_NOT_SET);
  CHECK_FALSE(transport::from_proto(parsed).has_value());
}

TEST_CASE("every event kind survives a round trip") {
  const EventBody bodies[] = {
      Welcome{.session = "s", .nickname = "n", .limits = {}, .server = "srv", .guest = false,
              .rooms = {RoomInfo{.name = "r", .members = 2, .online = 1, .epoch = 3, .last_id = 9}}},
      RoomMessage{.message_id = 3, .room = "r", .sender = "a", .text = "hi"},
      DirectMessage{.message_id = 4, .sender = "a", .recipient = "b", .text = "psst"},
      MemberJoined{.room = "r", .nickname = "a", .members = 2},
      MemberLeft{.room = "r", .nickname = "a", .members = 1, .reason = "bye"},
      NickChanged{.old_nickname = "a", .new_nickname = "b", .room = "r"},
      FileNotice{.file = FileInfo{.id = "f", .name = "x.txt", .size = 9, .sender = "a", .sha256 = "", .room = "r", .recipient = ""}},
      HistoryReplay{.room = "r", .count = 7},
      ShutdownNotice{.reason = "maintenance"},
      CaughtUp{.room_messages = 3, .direct_messages = 1},
      HistoryGap{.room = "r", .epoch = 2, .first_id = 40},
  };
  for (const auto& body : bodies) {
    Event event;
    event.time_unix_ms = 1234;
    event.body = body;
    v1::Event message;
    transport::to_proto(event, 9, &message);
    const auto back = transport::from_proto(message);
    REQUIRE(back.has_value());
    CHECK(back->seq == 9);
    CHECK(back->time_unix_ms == 1234);
    CHECK(back->body.index() == body.index());
  }
  Event shutdown;
  shutdown.body = ShutdownNotice{.reason = "maintenance"};
  v1::Event message;
  transport::to_proto(shutdown, 1, &message);
  CHECK(std::get<ShutdownNotice>(transport::from_proto(message)->body).reason == "maintenance");
}

TEST_CASE("notices, message kinds, topics, presence and the message rate survive a round trip") {
  const NoticeBody notices[] = {
      TopicChanged{.room = "r", .topic = "t", .by = "a"},
      PresenceChanged{.nickname = "a", .presence = Presence::away, .away_message = "lunch"},
      AwayNotice{.nickname = "a", .away_message = "lunch"},
  };
  for (const auto& notice : notices) {
    Event event;
    event.notice = notice;
    v1::Event message;
    transport::to_proto(event, 4, &message);
    const auto back = transport::from_proto(message);
    REQUIRE(back.has_value());
    CHECK(back->seq == 4);
    REQUIRE(back->notice.has_value());
    CHECK(back->notice->index() == notice.index());
  }
  Event away;
  away.notice = PresenceChanged{.nickname = "a", .presence = Presence::away, .away_message = "x"};
  v1::Event message;
  transport::to_proto(away, 1, &message);
  const auto presence = std::get<PresenceChanged>(*transport::from_proto(message)->notice);
  CHECK(presence.presence == Presence::away);
  CHECK(presence.away_message == "x");

  Event action;
  action.body = RoomMessage{.message_id = 1, .room = "r", .sender = "a", .text = "waves",
                            .kind = MessageKind::action};
  message.Clear();
  transport::to_proto(action, 2, &message);
  CHECK(message.room_message().kind() == v1::MESSAGE_KIND_ACTION);
  CHECK(std::get<RoomMessage>(transport::from_proto(message)->body).kind == MessageKind::action);

  const Limits limits{.message_rate = 2.5, .message_burst = 8};
  v1::ServerLimits wire;
  transport::to_proto(limits, &wire);
  CHECK(transport::from_proto(wire).message_rate == 2.5);
  CHECK(transport::from_proto(wire).message_burst == 8);

  const UserInfo user{.nickname = "a", .room = "r", .online = false, .guest = false,
                      .rooms = {"r"}, .presence = Presence::offline, .away_message = {},
                      .last_seen_unix_ms = 77};
  v1::UserInfo user_wire;
  transport::to_proto(user, &user_wire);
  const auto user_back = transport::from_proto(user_wire);
  CHECK(user_back.presence == Presence::offline);
  CHECK(user_back.last_seen_unix_ms == 77);
  CHECK(user_back.rooms == std::vector<std::string>{"r"});
}
