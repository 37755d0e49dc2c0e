// What issue 12 stores outlives chatd: a room's topic, and the kind of room messages and DMs,
// read back from the database after the real binary is stopped and started on the same dir.
#include "../hardening/chatd_process.h"
#include "identity_user.h"

using namespace chatcore;
using chatcore::hardening::ChatdProcess;
using chatcore::test::IdentityUser;
using chatcore::test::secret_of;
using chatcore::test::TempDir;
using Stub = chatcore::v1::Chat::Stub;

namespace {

std::unique_ptr<IdentityUser> connect(const ChatdProcess& chatd, const std::string& nick,
                                      char secret, const ResumePosition& resume = {}) {
  auto user = IdentityUser::connect(chatd.address(), nick, secret_of(secret), resume);
  REQUIRE_MESSAGE(user.ok(), nick << ": " << user.status().to_string());
  return std::move(*user);
}

template <class Request, class Response, class Method>
Response ok_call(IdentityUser& user, Method method, Request request) {
  request.set_session(user.token());
  Response out;
  const auto status = test::call(user.stub(), method, request, out);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return out;
}

}  // namespace

TEST_SUITE("restart") {

TEST_CASE("restart: a room's topic and the kind of messages and DMs survive") {
  TempDir dir;
  std::uint64_t epoch = 0;
  {
    ChatdProcess chatd(dir.path(), 0);
    auto ann = connect(chatd, "ann", 'a');
    auto bob = connect(chatd, "bob", 'b');
    v1::CreateRoomRequest create;
    create.set_name("den");
    epoch = ok_call<v1::CreateRoomRequest, v1::RoomResponse>(*ann, &Stub::CreateRoom, create)
                .epoch();
    v1::JoinRoomRequest join;
    join.set_name("den");
    ok_call<v1::JoinRoomRequest, v1::RoomResponse>(*bob, &Stub::JoinRoom, join);
    v1::SetTopicRequest topic;
    topic.set_room("den");
    topic.set_topic("quiet please");
    ok_call<v1::SetTopicRequest, v1::RoomResponse>(*bob, &Stub::SetTopic, topic);
    v1::SendMessageRequest say;
    say.set_room("den");
    say.set_text("yawns");
    say.set_kind(v1::MESSAGE_KIND_ACTION);
    ok_call<v1::SendMessageRequest, v1::SendResponse>(*ann, &Stub::SendMessage, say);
    bob->close();
    v1::SendDirectRequest dm;
    dm.set_recipient("bob");
    dm.set_text("pokes bob");
    dm.set_kind(v1::MESSAGE_KIND_ACTION);
    ok_call<v1::SendDirectRequest, v1::SendResponse>(*ann, &Stub::SendDirect, dm);
    ann->close();
    chatd.stop();
  }
  ChatdProcess chatd(dir.path(), 0);
  // Bob resumes from before the action: the replay read from the store keeps its kind.
  auto bob = connect(chatd, "bob", 'b', {.rooms = {{"den", epoch, 0}}, .last_direct_id = 0});
  REQUIRE(bob->welcome().rooms.size() == 1);
  const RoomInfo& den = bob->welcome().rooms[0];
  CHECK(den.topic == "quiet please");
  CHECK(den.topic_by == "bob");
  CHECK(den.topic_unix_ms > 0);
  const auto missed = bob->log().next_of<RoomMessage>();
  CHECK(missed.missed);
  CHECK(missed.kind == MessageKind::action);
  const auto dm = bob->log().next_of<DirectMessage>();
  CHECK(dm.text == "pokes bob");
  CHECK(dm.kind == MessageKind::action);
  bob->log().next_of<CaughtUp>();

  const auto history = ok_call<v1::HistoryRequest, v1::HistoryResponse>(
      *bob, &Stub::History, [] {
        v1::HistoryRequest r;
        r.set_room("den");
        return r;
      }());
  REQUIRE(history.messages_size() == 1);
  CHECK(history.messages(0).kind() == v1::MESSAGE_KIND_ACTION);
  const auto rooms =
      ok_call<v1::ListRoomsRequest, v1::ListRoomsResponse>(*bob, &Stub::ListRooms, {});
  REQUIRE(rooms.rooms_size() == 1);
  CHECK(rooms.rooms(0).topic() == "quiet please");
}

}  // TEST_SUITE
