// Key bindings for buffer switching (chat.conf's `keys`): what a binding may say, what a
// bound Alt-key does on the chat screen, an unbound one doing nothing, and the file's list
// written and read back.
#include "chat_keys.h"
#include "escape_keys.h"
#include "settings_file.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <stdlib.h>

using namespace chat;
using namespace chat_test;

namespace {

Key alt(char32_t c) {
  EscapeDecoder d;
  auto k = d.feed(Key::character(c));
  REQUIRE(k);
  return *k;
}

}  // namespace

TEST_CASE("key bindings: what a binding may say") {
  KeyBindings b;
  CHECK(b.add("M-j next").empty());
  CHECK(b.add("M-k  previous").empty());
  CHECK(b.add("M-x active").empty());
  CHECK(b.add("M-q 12").empty());
  CHECK(b.find(U'j') == BufferSwitch{BufferSwitch::To::next, 0});
  CHECK(b.find(U'k') == BufferSwitch{BufferSwitch::To::previous, 0});
  CHECK(b.find(U'x') == BufferSwitch{BufferSwitch::To::active, 0});
  CHECK(b.find(U'q') == BufferSwitch{BufferSwitch::To::number, 12});
  CHECK_FALSE(b.find(U'z'));
  CHECK(b.add("M-j") == "key binding \"M-j\": write it as \"M-j next\"");
  CHECK(b.add("C-j next") == "key binding \"C-j next\": the key is M- and one character, such as M-j");
  CHECK(b.add("M-jk next").find("one character") != std::string::npos);
  CHECK(b.add("M-a next") == "key binding \"M-a next\": M-a already has a meaning (see /help)");
  CHECK(b.add("M-3 next").find("already has a meaning") != std::string::npos);
  CHECK(b.add("M-z sideways").find("next, previous, active or a buffer number") != std::string::npos);
  CHECK(b.add("M-z 0").find("1 to 99") != std::string::npos);
  CHECK(b.add("M-z 100").find("1 to 99") != std::string::npos);
  CHECK_FALSE(b.find(U'z'));  // a refused binding binds nothing
}

TEST_CASE("key bindings: a bound Alt-key switches buffers; an unbound one does nothing") {
  Chat c;
  c.state.entered_room({"random", 2});  // buffers: 1 lobby, 2 #general, 3 #random
  REQUIRE(c.state.key_bindings.add("M-j next").empty());
  REQUIRE(c.state.key_bindings.add("M-k previous").empty());
  REQUIRE(c.state.key_bindings.add("M-q 2").empty());
  REQUIRE(c.state.room() == "random");
  c.input.set_text("draft");
  CHECK(c.press(alt(U'j')).redraw);
  CHECK(c.state.current().id == BufferId::server());  // around the list
  c.press(alt(U'j'));
  CHECK(c.state.room() == "general");
  c.press(alt(U'k'));
  CHECK(c.state.current().id == BufferId::server());
  c.press(alt(U'q'));
  CHECK(c.state.room() == "general");
  // unbound: nothing happens, nothing is typed
  const KeyEffect none = c.press(alt(U'z'));
  CHECK_FALSE(none.redraw);
  CHECK(c.state.room() == "general");
  CHECK(c.input.text() == "draft");
  // nor does it answer /close's question
  c.state.confirm_close = "general";
  CHECK_FALSE(c.press(alt(U'z')).submit);
  CHECK(c.state.confirm_close == "general");
}

TEST_CASE("key bindings: chat.conf's keys are written and read back") {
  namespace fs = std::filesystem;
  std::string pattern = (fs::temp_directory_path() / "chat-keys-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const fs::path path = fs::path(pattern) / "chat.conf";
  Settings s;
  s.keys = {"M-j next", "M-q 3"};
  CHECK(write_settings(path, s).empty());
  Settings back;
  back.keys = {"stale"};
  CHECK(read_settings(path, back).empty());
  CHECK(back.keys == std::vector<std::string>{"M-j next", "M-q 3"});
  s.keys.clear();
  CHECK(write_settings(path, s).empty());
  CHECK(read_settings(path, back).empty());
  CHECK(back.keys.empty());
  std::error_code ec;
  fs::remove_all(pattern, ec);
}
