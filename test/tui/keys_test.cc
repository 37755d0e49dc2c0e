// Key handlers on the model alone: each key's change and the effect it asks of the app.
#include "chat_keys.h"

#include <doctest/doctest.h>

#include <filesystem>

using namespace chat;
using namespace chat_test;


TEST_CASE("chat keys: typing redraws, a key that changes nothing does not") {
  Chat c;
  KeyEffect e = c.press(Key::character(U'한'));
  CHECK(e.redraw);
  CHECK(c.input.text() == "한");
  e = c.press(Key::of(KeyKind::unknown));
  CHECK_FALSE(e.redraw);
  CHECK_FALSE(e.quit);
  CHECK_FALSE(e.submit);
}

TEST_CASE("chat keys: Enter hands the line over and clears the input") {
  Chat c;
  for (char ch : std::string("/who")) c.press(Key::character(static_cast<unsigned char>(ch)));
  const KeyEffect e = c.press(Key::of(KeyKind::enter));
  REQUIRE(e.submit);
  CHECK(*e.submit == "/who");
  CHECK(e.redraw);
  CHECK(c.input.text().empty());
}

TEST_CASE("chat keys: PgUp scrolls into history, End returns to live; Ctrl-C quits, Ctrl-L repaints") {
  Chat c;
  for (int i = 0; i < 40; ++i) c.state.apply(room_msg(10 + i, "general", "bob", "line " + std::to_string(i)));
  CHECK(c.press(Key::of(KeyKind::page_up)).redraw);
  CHECK(c.state.scroll() > 0);
  CHECK(c.press(Key::of(KeyKind::end)).redraw);
  CHECK(c.state.scroll() == 0);
  CHECK(c.press(Key::of(KeyKind::interrupt)).quit);
  const KeyEffect l = c.press(Key::of(KeyKind::redraw));
  CHECK(l.full_redraw);
  CHECK(l.redraw);
  CHECK(c.press(Key::of(KeyKind::resize)).redraw);
}

TEST_CASE("chat keys: the mouse wheel scrolls three lines, never past the oldest") {
  Chat c;
  for (int i = 0; i < 40; ++i) c.state.apply(room_msg(10 + i, "general", "bob", "line " + std::to_string(i)));
  CHECK(c.press(Key::of(KeyKind::wheel_up)).redraw);
  CHECK(c.state.scroll() == 3);
  c.press(Key::of(KeyKind::wheel_up));
  CHECK(c.state.scroll() == 6);
  c.press(Key::of(KeyKind::wheel_down));
  CHECK(c.state.scroll() == 3);
  c.press(Key::of(KeyKind::wheel_down));
  c.press(Key::of(KeyKind::wheel_down));
  CHECK(c.state.scroll() == 0);
  for (int i = 0; i < 100; ++i) c.press(Key::of(KeyKind::wheel_up));
  CHECK(c.state.scroll() == max_scroll(c.state, c.layout));
  CHECK(c.input.text().empty());  // the wheel is never text
}

TEST_CASE("chat keys: an open prompt takes the keys; Esc closes it, Enter accepts it") {
  Chat c;
  PathPrompt cancel(PathPrompt::Purpose::read, "Send to #general");
  KeyEffect e = c.press(Key::of(KeyKind::escape), &cancel);
  CHECK(e.prompt_closed);
  CHECK(c.state.lines().back().text == "cancelled");
  CHECK(c.input.text().empty());

  const auto dest = std::filesystem::temp_directory_path() / "chat-keys-test-new-file";
  std::filesystem::remove(dest);
  PathPrompt save(PathPrompt::Purpose::write, "Save as", dest.string());
  e = c.press(Key::of(KeyKind::enter), &save);
  CHECK(e.prompt_accepted);
  CHECK_FALSE(e.submit);
}

TEST_CASE("login keys: Enter submits the field, typing clears the error, busy ignores keys") {
  LoginScreen screen;
  screen.error = "connection refused";
  LineEditor field;
  CHECK_FALSE(handle_login_key(Key::of(KeyKind::enter), screen, field, false).submit);
  CHECK(handle_login_key(Key::character('h'), screen, field, false).redraw);
  CHECK(screen.error.empty());
  const KeyEffect e = handle_login_key(Key::of(KeyKind::enter), screen, field, false);
  REQUIRE(e.submit);
  CHECK(*e.submit == "h");
  CHECK_FALSE(handle_login_key(Key::character('x'), screen, field, true).redraw);
  CHECK(field.text() == "h");
  CHECK(handle_login_key(Key::of(KeyKind::escape), screen, field, true).quit);
}
