// The input line and the command parser.
#include "cells.h"
#include "command.h"
#include "line_editor.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>

using namespace chat;

namespace {
void type(LineEditor& e, const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const Decoded d = decode_utf8(s, i);
    e.handle_key(Key::character(d.ch));
    i += d.bytes;
  }
}
}  // namespace


TEST_CASE("typing, moving and deleting over multi-byte characters") {
  LineEditor e;
  type(e, "a한😀b");
  CHECK(e.text() == "a한😀b");
  CHECK(e.handle_key(Key::of(KeyKind::left)));
  CHECK(e.handle_key(Key::of(KeyKind::left)));
  CHECK(e.cursor() == 4);  // before the emoji
  CHECK(e.handle_key(Key::of(KeyKind::backspace)));
  CHECK(e.text() == "a😀b");
  CHECK(e.handle_key(Key::of(KeyKind::del)));
  CHECK(e.text() == "ab");
  CHECK(e.handle_key(Key::of(KeyKind::home)));
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::home)));
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::left)));
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::backspace)));
  type(e, "é");
  CHECK(e.text() == "éab");
  CHECK(e.handle_key(Key::of(KeyKind::end)));
  CHECK(e.cursor() == e.text().size());
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::right)));
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::enter)));
  CHECK_FALSE(e.handle_key(Key::character(0x1b)));  // no raw escapes in the text
}

TEST_CASE("history on up/down keeps the draft") {
  LineEditor e;
  type(e, "one");
  CHECK(e.submit() == "one");
  type(e, "two");
  e.submit();
  type(e, "two");
  e.submit();  // repeats are stored once
  CHECK(e.history().size() == 2);
  type(e, "draft");
  CHECK(e.handle_key(Key::of(KeyKind::up)));
  CHECK(e.text() == "two");
  CHECK(e.handle_key(Key::of(KeyKind::up)));
  CHECK(e.text() == "one");
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::up)));
  CHECK(e.handle_key(Key::of(KeyKind::down)));
  CHECK(e.handle_key(Key::of(KeyKind::down)));
  CHECK(e.text() == "draft");
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::down)));
}

TEST_CASE("Ctrl-W deletes a word, Ctrl-U the line") {
  LineEditor e;
  type(e, "hello big world");
  CHECK(e.handle_key(Key::of(KeyKind::kill_word)));
  CHECK(e.text() == "hello big ");
  CHECK(e.handle_key(Key::of(KeyKind::kill_line)));
  CHECK(e.text().empty());
}

TEST_CASE("the view scrolls so the cursor stays visible, counting cells") {
  LineEditor e;
  type(e, "0123456789abcdefghij");
  auto v = e.view(10);
  CHECK(v.cursor_col < 10);
  CHECK(v.text.back() == 'j');
  e.handle_key(Key::of(KeyKind::home));
  v = e.view(10);
  CHECK(v.cursor_col == 0);
  CHECK(v.text == "0123456789");
  LineEditor wide;
  type(wide, "한국어한국어한국어");
  v = wide.view(7);
  CHECK(text_width(v.text) <= 7);
  CHECK(v.cursor_col <= 6);
}

TEST_CASE("commands parse with their arguments") {
  auto say = std::get<Command>(parse_command("hello there"));
  CHECK(say.kind == CommandKind::say);
  CHECK(say.args == std::vector<std::string>{"hello there"});
  CHECK(std::get<Command>(parse_command("//slash")).args[0] == "/slash");
  auto dm = std::get<Command>(parse_command("/msg bob  hi  there"));
  CHECK(dm.kind == CommandKind::dm);
  CHECK(dm.args == std::vector<std::string>{"bob", "hi  there"});
  CHECK(std::get<Command>(parse_command("/w bob x")).kind == CommandKind::dm);
  auto dl = std::get<Command>(parse_command("/download 3 out.bin --force"));
  CHECK(dl.kind == CommandKind::download);
  CHECK(dl.force);
  CHECK(dl.args == std::vector<std::string>{"3", "out.bin"});
  CHECK(std::get<Command>(parse_command("/upload")).args.empty());
  CHECK(std::get<Command>(parse_command("/sendfile bob")).args.size() == 1);
  CHECK(std::get<CommandError>(parse_command("/join")).message == "usage: /join NAME");
  CHECK(std::get<CommandError>(parse_command("/dm bob")).message == "usage: /dm NICK TEXT");
  CHECK(std::get<CommandError>(parse_command("/frob")).message.find("unknown command /frob") == 0);
  CHECK(std::get<CommandError>(parse_command("   ")).message.empty());
  CHECK(std::get<CommandError>(parse_command("/create a b")).message == "usage: /create NAME");
}

TEST_CASE("the command table drives parsing, usage errors and /help") {
  for (const CommandSpec& spec : command_specs()) {
    const auto parsed = parse_command(fmt::format("/{} a b c d", spec.name));
    if (spec.max_args >= 0 && spec.max_args < 4) {
      REQUIRE(std::holds_alternative<CommandError>(parsed));
      CHECK(std::get<CommandError>(parsed).message == "usage: " + std::string(spec.usage));
    } else {
      REQUIRE(std::holds_alternative<Command>(parsed));
      CHECK(std::get<Command>(parsed).kind == spec.kind);
    }
    if (spec.help.empty()) continue;
    const auto& help = help_lines();
    const bool listed = std::any_of(help.begin(), help.end(), [&](const std::string& line) {
      return line.starts_with(spec.usage) && line.ends_with(spec.help);
    });
    CHECK_MESSAGE(listed, spec.name);
  }
  CHECK(help_lines().front().starts_with("TEXT "));
  CHECK(help_lines()[1] == "/rooms                   list rooms with member counts");
  CHECK(std::get<Command>(parse_command("/topic release on friday")).args ==
        std::vector<std::string>{"release on friday"});
  CHECK(std::get<Command>(parse_command("/topic")).args.empty());
  CHECK(std::get<Command>(parse_command("/me waves  at everyone")).args ==
        std::vector<std::string>{"waves  at everyone"});
}

TEST_CASE("/help COMMAND comes from the same table: its line and, for aliases, every name") {
  CHECK(help_for("part") == std::vector<std::string>{"/leave [ROOM]            leave ROOM (default: the one shown)",
                                                     "names: /leave /part"});
  CHECK(help_for("/win") == std::vector<std::string>{
                                "/buffer N|NAME           show buffer N, #room or @nick (also /win)",
                                "names: /buffer /win"});
  CHECK(help_for("query").size() == 1);  // no aliases: no names line
  CHECK(help_for("nosuch").empty());
  const auto parsed = parse_command("/help close");
  REQUIRE(std::holds_alternative<Command>(parsed));
  CHECK(std::get<Command>(parsed).args == std::vector<std::string>{"close"});
}

TEST_CASE("word motion stops at word starts and ends, across multi-byte words") {
  LineEditor e;
  type(e, "hi, 안녕 world!");
  CHECK(e.handle_key(Key::of(KeyKind::word_left)));
  CHECK(e.text().substr(e.cursor()) == "world!");
  CHECK(e.handle_key(Key::of(KeyKind::word_left)));
  CHECK(e.text().substr(e.cursor()) == "안녕 world!");
  CHECK(e.handle_key(Key::of(KeyKind::word_left)));
  CHECK(e.cursor() == 0);
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::word_left)));
  CHECK(e.handle_key(Key::of(KeyKind::word_right)));
  CHECK(e.text().substr(0, e.cursor()) == "hi");
  CHECK(e.handle_key(Key::of(KeyKind::word_right)));
  CHECK(e.text().substr(0, e.cursor()) == "hi, 안녕");
  e.handle_key(Key::of(KeyKind::end));
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::word_right)));
}

TEST_CASE("kills go to a buffer that Ctrl-Y yanks back; Ctrl-D and Delete remove forward") {
  LineEditor e;
  type(e, "send the file now");
  CHECK(e.handle_key(Key::of(KeyKind::kill_word_back)));
  CHECK(e.text() == "send the file ");
  CHECK(e.handle_key(Key::of(KeyKind::home)));
  CHECK(e.handle_key(Key::of(KeyKind::yank)));
  CHECK(e.text() == "nowsend the file ");
  CHECK(e.handle_key(Key::of(KeyKind::word_right)));
  CHECK(e.handle_key(Key::of(KeyKind::kill_to_end)));
  CHECK(e.text() == "nowsend");
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::kill_to_end)));
  CHECK(e.handle_key(Key::of(KeyKind::home)));
  CHECK(e.handle_key(Key::of(KeyKind::yank)));
  CHECK(e.text() == " the file nowsend");
  CHECK(e.handle_key(Key::of(KeyKind::home)));
  CHECK(e.handle_key(Key::of(KeyKind::eof)));
  CHECK(e.text() == "the file nowsend");
  CHECK(e.handle_key(Key::of(KeyKind::del)));
  CHECK(e.text() == "he file nowsend");
  CHECK(e.handle_key(Key::of(KeyKind::kill_line)));
  CHECK(e.text().empty());
  CHECK_FALSE(e.handle_key(Key::of(KeyKind::eof)));
  CHECK(e.handle_key(Key::of(KeyKind::yank)));
  CHECK(e.text() == "he file nowsend");
}

TEST_CASE("room names are accepted with or without #") {
  CHECK(std::get<Command>(parse_command("/join #general")).args[0] == "general");
  CHECK(std::get<Command>(parse_command("/join general")).args[0] == "general");
  CHECK(std::get<Command>(parse_command("/list")).kind == CommandKind::rooms);
  CHECK(std::get<Command>(parse_command("/create #dev")).args[0] == "dev");
  CHECK(std::get<Command>(parse_command("/part #dev")).args[0] == "dev");
  CHECK(std::get<Command>(parse_command("/leave #dev")).args[0] == "dev");
  // only the room's own leading mark goes, never text
  CHECK(std::get<Command>(parse_command("/dm bob #1 is done")).args[1] == "#1 is done");
  CHECK(std::get<Command>(parse_command("#general hi")).args[0] == "#general hi");
}
