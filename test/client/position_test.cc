// The resume position: what counts, what resets it, and the file it is kept in.
#include <doctest/doctest.h>

#include <fstream>

#include "client/position_keeper.h"
#include "../integration/harness.h"

using namespace chatcore;
using client::PositionKeeper;
using chatcore::test::TempDir;
namespace fs = std::filesystem;

namespace {
Event room_msg(const std::string& room, std::uint64_t epoch, std::uint64_t id) {
  RoomMessage m;
  m.room = room;
  m.room_epoch = epoch;
  m.message_id = id;
  return Event{1, 0, m};
}
Event direct(std::uint64_t id) {
  DirectMessage d;
  d.message_id = id;
  return Event{1, 0, d};
}
std::uint64_t last_of(const ResumePosition& p, const std::string& room) {
  for (const auto& r : p.rooms) {
    if (r.room == room) return r.last_id;
  }
  return 0;
}
}  // namespace

TEST_CASE("the position follows the newest message per room and epoch, and the newest DM") {
  PositionKeeper keeper;
  CHECK(keeper.note(room_msg("general", 1, 5)));
  CHECK(keeper.note(room_msg("general", 1, 9)));
  CHECK_FALSE(keeper.note(room_msg("general", 1, 7)));  // never back
  CHECK(keeper.note(room_msg("random", 2, 3)));
  CHECK(keeper.note(direct(4)));
  CHECK_FALSE(keeper.note(direct(2)));
  CHECK_FALSE(keeper.note(Event{1, 0, MemberJoined{"general", "bob", 2}}));
  auto p = keeper.position();
  CHECK(last_of(p, "general") == 9);
  CHECK(last_of(p, "random") == 3);
  CHECK(p.last_direct_id == 4);
  // The room was deleted and made again: its new life starts over, even at a lower id.
  CHECK(keeper.note(room_msg("general", 7, 2)));
  p = keeper.position();
  CHECK(last_of(p, "general") == 2);
  CHECK(p.rooms[0].epoch == 7);
  keeper.forget_room("random");
  CHECK(keeper.position().rooms.size() == 1);
  keeper.note(room_msg("random", 2, 4));
  keeper.keep_rooms({RoomInfo{.name = "random"}});  // an identity's Welcome lists only random
  REQUIRE(keeper.position().rooms.size() == 1);
  CHECK(keeper.position().rooms[0].room == "random");
}

TEST_CASE("a gap puts a position that is ahead of the server back before its first id") {
  PositionKeeper keeper;
  keeper.note(room_msg("general", 1, 9));
  keeper.note(direct(12));
  auto gap = [](const std::string& room, std::uint64_t epoch, std::uint64_t first) {
    return Event{1, 0, HistoryGap{.room = room, .epoch = epoch, .first_id = first}};
  };
  // Retention: the kept history starts after the position; nothing to undo.
  CHECK_FALSE(keeper.note(gap("general", 1, 20)));
  CHECK(last_of(keeper.position(), "general") == 9);
  // The server lost 7..9 (and DMs from 10) and gives those ids again: they count as new.
  CHECK(keeper.note(gap("general", 1, 7)));
  CHECK(last_of(keeper.position(), "general") == 6);
  CHECK(keeper.note(room_msg("general", 1, 7)));
  CHECK(keeper.note(gap("", 0, 10)));
  CHECK(keeper.position().last_direct_id == 9);
  CHECK(keeper.note(direct(10)));
  // Another life of the room: its position starts just before the first id kept.
  CHECK(keeper.note(gap("general", 4, 3)));
  CHECK(keeper.position().rooms.at(0).epoch == 4);
  CHECK(last_of(keeper.position(), "general") == 2);
}

TEST_CASE("a room joined, or named by a Welcome, starts at its newest message") {
  PositionKeeper keeper;
  CHECK(keeper.enter_room(RoomInfo{.name = "quiet", .epoch = 3, .last_id = 0}));
  CHECK(keeper.enter_room(RoomInfo{.name = "busy", .epoch = 4, .last_id = 50}));
  CHECK(last_of(keeper.position(), "busy") == 50);
  // The join's history (up to 50) moves nothing; a live message does.
  CHECK_FALSE(keeper.note(room_msg("busy", 4, 48)));
  CHECK(keeper.note(room_msg("busy", 4, 51)));
  // Known rooms keep their position; a Welcome adds the one it names that was missing and
  // drops the one it does not name.
  CHECK_FALSE(keeper.enter_room(RoomInfo{.name = "busy", .epoch = 4, .last_id = 60}));
  keeper.keep_rooms({RoomInfo{.name = "busy", .epoch = 4, .last_id = 60},
                     RoomInfo{.name = "new", .epoch = 7, .last_id = 9}});
  const auto p = keeper.position();
  REQUIRE(p.rooms.size() == 2);
  CHECK(last_of(p, "busy") == 51);
  CHECK(last_of(p, "new") == 9);
}

TEST_CASE("the position file survives a new process, whatever the room names hold") {
  TempDir dir;
  const fs::path file = PositionKeeper::file_for(dir.path(), "127.0.0.1:5000", "Alice");
  CHECK(file == dir.path() / "127.0.0.1%3a5000" / "alice.position");
  CHECK(PositionKeeper::file_for(dir.path(), "unix:/run/x", "..").filename() == "_...position");
  {
    PositionKeeper keeper(file);
    REQUIRE(keeper.load().ok());  // none yet
    keeper.note(room_msg("with space", 3, 11));
    keeper.note(room_msg("line\nbreak 안녕", 4, 12));
    keeper.note(direct(99));
    REQUIRE(keeper.save().ok());
  }
  CHECK_FALSE(fs::exists(file.string() + ".new"));
  PositionKeeper reloaded(file);
  REQUIRE(reloaded.load().ok());
  const auto p = reloaded.position();
  CHECK(last_of(p, "with space") == 11);
  CHECK(last_of(p, "line\nbreak 안녕") == 12);
  CHECK(p.last_direct_id == 99);
  // A rename moves the file.
  const fs::path renamed = PositionKeeper::file_for(dir.path(), "127.0.0.1:5000", "alicia");
  REQUIRE(reloaded.move_to(renamed).ok());
  CHECK_FALSE(fs::exists(file));
  PositionKeeper moved(renamed);
  REQUIRE(moved.load().ok());
  CHECK(moved.position().last_direct_id == 99);
}

TEST_CASE("a damaged position file is refused with its name; an empty one is no position") {
  TempDir dir;
  const fs::path file = dir.path() / "p.position";
  std::ofstream(file) << "chatcore-position 1\nroom zz 1 2\n";
  PositionKeeper keeper(file);
  const Status st = keeper.load();
  CHECK(st.code == Code::failed_precondition);
  CHECK(st.message.find("line 2") != std::string::npos);
  CHECK(st.message.find(file.string()) != std::string::npos);
  std::ofstream(file) << "something else\n";
  CHECK(keeper.load().code == Code::failed_precondition);
  std::ofstream(file, std::ios::trunc).close();
  CHECK(keeper.load().ok());
  CHECK(keeper.position().rooms.empty());
}
