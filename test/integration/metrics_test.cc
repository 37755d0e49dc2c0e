// Server::metrics_text after a scripted session over real gRPC: the counts are exact, and
// the text is well-formed Prometheus exposition (every sample declared by a TYPE line).
#include "harness.h"
#include "identity_user.h"

#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace chatcore;
using chatcore::test::TestServer;
using chatcore::test::TestUser;

namespace {

// Every sample "name{labels} value" by its full series name; fails the test on a bad line.
std::map<std::string, double> parse(const std::string& text) {
  static const std::regex type_line(R"(# TYPE ([a-z_]+) (counter|gauge|histogram))");
  static const std::regex help_line(R"(# HELP [a-z_]+ .+)");
  static const std::regex sample(R"(([a-z_]+)(\{[a-z]+="[^"\\]*"\})? (-?[0-9.e+-]+))");
  std::map<std::string, double> out;
  std::set<std::string> declared;
  std::istringstream in(text);
  std::string line;
  std::smatch m;
  while (std::getline(in, line)) {
    CAPTURE(line);
    if (std::regex_match(line, m, type_line)) {
      declared.insert(m[1]);
    } else if (std::regex_match(line, m, sample)) {
      std::string family = m[1];
      for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        const std::string s = suffix;
        if (!declared.count(family) && family.size() > s.size() &&
            family.compare(family.size() - s.size(), s.size(), s) == 0) {
          family.resize(family.size() - s.size());
        }
      }
      CHECK_MESSAGE(declared.count(family), "sample before its TYPE line");
      out[m[1].str() + m[2].str()] = std::stod(m[3]);
    } else {
      CHECK_MESSAGE(std::regex_match(line, help_line), "not a valid exposition line");
    }
  }
  return out;
}

}  // namespace

TEST_CASE("metrics count sessions, rooms, messages, deliveries, bytes and refusals") {
  TestServer server;
  auto before = parse(server.server().metrics_text());
  CHECK(before.at("chatcore_sessions") == 0);
  CHECK(before.at("chatcore_room_messages_total") == 0);
  {
    TestUser alice(server, "alice");
    TestUser bob(server, "bob");
    REQUIRE(alice->create_room("lounge").ok());
    REQUIRE(bob->join_room("lounge").ok());
    alice.log().wait_for<MemberJoined>([](const auto& e) { return e.nickname == "bob"; });
    bob.log().next_of<MemberJoined>();
    server.round_trip();  // logs the fence user in: the third session
    const auto joined = parse(server.server().metrics_text());
    CHECK(joined.at("chatcore_sessions") == 3);
    CHECK(joined.at("chatcore_sessions_opened_total") == 3);
    CHECK(joined.at("chatcore_guest_sessions") == 3);  // test users sign in without identity
    CHECK(joined.at("chatcore_rooms") == 1);

    // Two room messages to two members, one DM (to its recipient and echoed to its sender).
    REQUIRE(alice->send("lounge", "one").ok());
    REQUIRE(bob->send("lounge", "two").ok());
    REQUIRE(bob->send_direct("alice", "psst").ok());
    for (int i = 0; i < 2; ++i) {
      alice.log().next_of<RoomMessage>();
      bob.log().next_of<RoomMessage>();
    }
    alice.log().next_of<DirectMessage>();
    bob.log().next_of<DirectMessage>();
    // Refused: a message to a room bob is not in, a DM to nobody, a bad room name.
    CHECK_FALSE(bob->send("elsewhere", "x").ok());
    CHECK_FALSE(bob->send_direct("nobody", "x").ok());
    CHECK_FALSE(bob->create_room("bad\x1bname").ok());
    server.round_trip();
    auto after = parse(server.server().metrics_text());
    CHECK(after.at("chatcore_room_messages_total") == 2);
    CHECK(after.at("chatcore_direct_messages_total") == 1);
    CHECK(after.at("chatcore_deliveries_total") - joined.at("chatcore_deliveries_total") == 6);
    CHECK(after.at("chatcore_refusals_total{reason=\"validation\"}") == 3);
    CHECK(after.at("chatcore_refusals_total{reason=\"flood\"}") == 0);
    // Each accepted message, timed to the flush that carried it (the refused ones are not).
    CHECK(after.at("chatcore_send_to_write_seconds_count") == 3);
    CHECK(after.at("chatcore_send_to_write_seconds_bucket{le=\"+Inf\"}") == 3);
    CHECK(after.at("chatcore_send_to_write_seconds_sum") > 0);
    CHECK(after.at("chatcore_send_to_write_seconds_sum") < 3 * 10.0);

    // A 100 KiB upload to the room and its download by bob count their bytes.
    const auto path = server.storage().parent_path() / "metrics-upload.bin";
    chatcore::test::write_random_file(path, 100 * 1024);
    auto file = alice->upload(path, Destination{"lounge", ""});
    std::filesystem::remove(path);
    REQUIRE_MESSAGE(file.ok(), file.status().to_string());
    chatcore::test::TempDir downloads;
    REQUIRE(bob->download(file->id, downloads.path() / "copy").ok());
    server.round_trip();
    after = parse(server.server().metrics_text());
    CHECK(after.at("chatcore_uploaded_bytes_total") == 100 * 1024);
    CHECK(after.at("chatcore_downloaded_bytes_total") == 100 * 1024);
    CHECK(after.at("chatcore_stored_bytes") == 100 * 1024);
    CHECK(after.at("chatcore_stored_files") == 1);
    {
      auto ida = test::sign_in(server, "ida", 'i');  // one with an identity
      const auto with_ida = parse(server.server().metrics_text());
      CHECK(with_ida.at("chatcore_sessions") == 4);
      CHECK(with_ida.at("chatcore_guest_sessions") == 3);
      ida->close();
    }
    CHECK(after.at("chatcore_transfers_in_flight") == 0);
    CHECK(after.at("chatcore_loop_turn_seconds_count") > 0);
    CHECK(after.at("chatcore_loop_turn_seconds_bucket{le=\"+Inf\"}") ==
          after.at("chatcore_loop_turn_seconds_count"));
  }
  server.round_trip();
  const auto gone = parse(server.server().metrics_text());
  CHECK(gone.at("chatcore_sessions") == 1);  // only the fence user of round_trip() is left
  CHECK(gone.at("chatcore_guest_sessions") == 1);
  CHECK(gone.at("chatcore_rooms") == 0);
}

TEST_CASE("metrics count flood refusals") {
  TestServer server([](Config& c) { c.message_rate = {1, 2}; });
  TestUser alice(server, "alice");
  REQUIRE(alice->create_room("lounge").ok());
  int refused = 0;
  for (int i = 0; i < 5; ++i) refused += alice->send("lounge", "spam").ok() ? 0 : 1;
  REQUIRE(refused >= 1);
  const auto m = parse(server.server().metrics_text());
  CHECK(m.at("chatcore_refusals_total{reason=\"flood\"}") == refused);
  CHECK(m.at("chatcore_room_messages_total") == 5 - refused);
}
