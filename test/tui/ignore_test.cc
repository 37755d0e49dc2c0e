// /ignore on the model: the list (one entry whatever the ASCII case), and what an ignored
// nickname's room lines and DMs leave on screen (nothing, not even a DM buffer).
#include "command.h"
#include "events.h"
#include "ignore_list.h"
#include "state.h"

#include <doctest/doctest.h>

using namespace chat;
using namespace chat_test;

TEST_CASE("ignore list: add, remove, ASCII case folded, sorted") {
  IgnoreList list;
  CHECK(list.add("bob"));
  CHECK_FALSE(list.add("Bob"));
  CHECK(list.add("Carol"));
  CHECK(list.contains("BOB"));
  CHECK(list.contains("carol"));
  CHECK_FALSE(list.contains("bo"));
  CHECK(list.names() == std::vector<std::string>{"bob", "Carol"});
  CHECK(list.remove("BOB"));
  CHECK_FALSE(list.remove("bob"));
  CHECK(list.names() == std::vector<std::string>{"Carol"});
}

TEST_CASE("ignore: an ignored nickname's room lines and DMs are not shown; the others are") {
  ChatState s;
  s.apply(welcome("alice"));
  s.entered_room({"general", 3});
  s.ignored.add("bob");
  const std::size_t before = s.lines().size();
  s.apply(room_msg(1, "general", "bob", "you do not see this"));
  s.apply(room_msg(2, "general", "carol", "you see this"));
  REQUIRE(s.lines().size() == before + 1);
  CHECK(s.lines().back().text == "you see this");
  const auto effect = s.apply(dm(3, "bob", "alice", "psst"));
  CHECK_FALSE(effect.bell);
  CHECK(s.dms().empty());
  s.ignored.remove("bob");
  s.apply(room_msg(4, "general", "bob", "back in view"));
  CHECK(s.lines().back().text == "back in view");
}

TEST_CASE("ignore and cancel: the commands parse with their arguments") {
  auto ignore = std::get<Command>(parse_command("/ignore bob"));
  CHECK(ignore.kind == CommandKind::ignore);
  CHECK(ignore.args == std::vector<std::string>{"bob"});
  CHECK(std::get<Command>(parse_command("/ignore")).args.empty());
  CHECK(std::holds_alternative<CommandError>(parse_command("/unignore")));
  CHECK(std::get<Command>(parse_command("/cancel 2")).kind == CommandKind::cancel);
  CHECK(std::get<Command>(parse_command("/cancel")).args.empty());
  CHECK(std::holds_alternative<CommandError>(parse_command("/cancel 1 2")));
  CHECK_FALSE(help_for("cancel").empty());
}
