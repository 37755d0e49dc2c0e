// Every shared Store write survives the trip through the log's wire form unchanged.
#include <doctest/doctest.h>

#include "cluster.pb.h"
#include "cluster/log_codec.h"

namespace chatcore::cluster::test {

namespace {
using namespace chatcore::store;

// One of each write, with every field set to something other than its default.
std::vector<Write> every_write() {
  return {
      op::PutIdentity{{.id = 7, .secret_hash = "ab12", .nickname = "Ann", .created_ms = 11,
                       .last_seen_ms = 12}},
      op::DeleteIdentity{9},
      op::CreateRoom{"Go", 13},
      op::DeleteRoom{"rust", 31},
      op::SetTopic{"go", "generics", "ann", 14},
      op::AddMember{{.identity = 3, .room = "go", .joined_ms = 15}},
      op::RemoveMember{4, "go"},
      op::Append{{.room = "go", .from = "ann", .text = "hi \xe2\x9c\x93\n", .sent_ms = 16,
                  .client_msg_id = 17, .kind = MessageKind::action}},
      op::AppendDirect{{.from_identity = 1, .from = "ann", .to_identity = 2, .to = "bob",
                        .text = "psst", .sent_ms = 18, .client_msg_id = 19,
                        .kind = MessageKind::action}},
      op::PutFile{{.id = "f1", .name = "a.txt", .size = 20, .sha256 = "cd34", .sender = "ann",
                   .sender_identity = 1, .room = "go", .recipient = "bob", .sent_ms = 21,
                   .allowed = {1, 2, 5}}},
      op::RevokeFile{"f1", 2},
      op::RemoveFile{"f2"},
      op::SetRoomCreator{"go", 1},
      op::PutSanction{{.kind = SanctionKind::mute, .identity = 2, .room = "go",
                       .until_ms = 22, .reason = "spam", .by = "ann"}},
      op::RemoveSanction{SanctionKind::mute, 2, "go"},
      op::SetMotd{"welcome"},
      op::Prune{{.history_keep = 23, .history_ms = 24, .file_ms = 25, .nick_ms = 26,
                 .upload_ms = 27},
                28},
      op::SetTopicLock{"go", true, "ann"},
      op::ClaimGuest{{"Gus", "node-b", 29}},
      op::ReleaseGuest{{"gus", "node-b", 30}},
      op::ReleaseNodeGuests{"node-c"},
  };
}
}  // namespace

TEST_CASE("every write comes back from its encoding as it was, with its origin") {
  const auto writes = every_write();
  REQUIRE(writes.size() == std::variant_size_v<Write>);
  for (std::size_t i = 0; i < writes.size(); ++i) {
    CAPTURE(i);
    CHECK(writes[i].index() == i);  // the list covers each alternative once
    const auto bytes = encode({"node-a", 100 + i}, writes[i]);
    auto back = decode(bytes);
    REQUIRE_MESSAGE(back.ok(), back.status().to_string());
    CHECK(back->origin.node == "node-a");
    CHECK(back->origin.op == 100 + i);
    CHECK(back->write == writes[i]);
  }
}

TEST_CASE("an append does not carry the epoch and id: the replica gives them") {
  const auto bytes =
      encode({"n", 1}, op::Append{{.room = "go", .epoch = 4, .id = 5, .text = "x"}});
  auto back = decode(bytes);
  REQUIRE(back.ok());
  const auto& m = std::get<op::Append>(back->write).message;
  CHECK(m.epoch == 0);
  CHECK(m.id == 0);
  CHECK(m.text == "x");
}

TEST_CASE("bytes that are not a command, or a command with no write, are refused clearly") {
  auto junk = decode(std::string("\xff\xff\xff\xff", 4));
  CHECK(junk.status().code == Code::invalid_argument);
  CHECK(junk.status().message.find("does not parse") != std::string::npos);

  LogCommand empty;
  empty.set_node("n");
  empty.set_op(1);
  auto none = decode(empty.SerializeAsString());
  CHECK(none.status().code == Code::invalid_argument);
  CHECK(none.status().message.find("newer chatd") != std::string::npos);

  LogCommand bad_kind;
  bad_kind.mutable_put_sanction()->set_kind(99);
  CHECK(decode(bad_kind.SerializeAsString()).status().code == Code::invalid_argument);
}

}  // namespace chatcore::cluster::test
