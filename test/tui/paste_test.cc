// Bracketed paste and the paced outgoing queue: the paste marks decoded, a multi-line paste
// held until Enter or Esc, and the queue spending the server's burst, then its rate.
#include "escape_keys.h"
#include "chat_keys.h"
#include "outgoing.h"
#include "render.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

using namespace chat;
using namespace chat_test;

namespace {

// A paste as the terminal sends it: the marks around the text, a line break as Enter.
void paste(Chat& c, const std::u32string& text) {
  c.press(Key::of(KeyKind::paste_start));
  for (char32_t ch : text) c.press(ch == U'\r' ? Key::of(KeyKind::enter) : Key::character(ch));
  c.press(Key::of(KeyKind::paste_end));
}

chatcore::Limits limits(double rate, std::uint32_t burst) {
  chatcore::Limits l;
  l.message_rate = rate;
  l.message_burst = burst;
  return l;
}

Outgoing line(const std::string& text) { return {BufferId::room("general"), text}; }

Key decode_after_escape(const std::u32string& after) {
  EscapeDecoder decoder;
  for (char32_t ch : after) {
    if (auto key = decoder.feed(Key::character(ch))) return *key;
  }
  return decoder.finish();
}

}  // namespace

TEST_CASE("paste: the start and end marks are keys, not text") {
  CHECK(decode_after_escape(U"[200~").kind == KeyKind::paste_start);
  CHECK(decode_after_escape(U"[201~").kind == KeyKind::paste_end);
  CHECK(decode_after_escape(U"[202~").kind == KeyKind::unknown);
}

TEST_CASE("paste: one line goes into the input at the cursor, nothing is sent") {
  Chat c;
  c.input.set_text("say: ");
  paste(c, U"hello 안녕\r");
  CHECK(c.input.text() == "say: hello 안녕");
  CHECK_FALSE(c.state.held_paste);
}

TEST_CASE("paste: line breaks inside a paste are not Enter; several lines wait for Enter") {
  Chat c;
  paste(c, U"one\rtwo\r\rthree\r\r");
  CHECK(c.input.text().empty());
  REQUIRE(c.state.held_paste);
  CHECK(c.state.held_paste->lines == std::vector<std::string>{"one", "two", "", "three"});
  CHECK(c.state.held_paste->to == BufferId::room("general"));
  const Frame f = render_chat(c.state, c.input, nullptr, 12, 80);
  CHECK(f.grid.row_text(11) == "send 4 lines to #general? Enter/Esc");
  // typing does not reach the input while the question is open
  CHECK_FALSE(c.press(Key::character(U'x')).redraw);
  CHECK(c.input.text().empty());
  const KeyEffect e = c.press(Key::of(KeyKind::enter));
  CHECK(e.paste_accepted);
  CHECK_FALSE(e.submit);
}

TEST_CASE("paste: Esc drops a held paste and says so") {
  Chat c;
  paste(c, U"a\rb\r");
  const KeyEffect e = c.press(Key::of(KeyKind::escape));
  CHECK_FALSE(e.paste_accepted);
  CHECK_FALSE(c.state.held_paste);
  CHECK(c.state.lines().back().text == "paste of 2 lines dropped");
}

TEST_CASE("paste: in the lobby a multi-line paste is refused with a visible line") {
  Chat c;
  c.state.focus("");
  paste(c, U"a\rb\r");
  CHECK_FALSE(c.state.held_paste);
  CHECK(c.state.lines().back().kind == LineKind::error);
}

TEST_CASE("outgoing: the burst goes at once, then one message per token") {
  OutgoingQueue q;
  q.reset(limits(2, 4), 100.0);  // one token held back of the server's 4; 1.8 a second
  CHECK_FALSE(q.next_in(100.0));
  for (int i = 0; i < 6; ++i) q.push(line(fmt::format("l{}", i)));
  const auto first = q.take_ready(100.0);
  REQUIRE(first.size() == 3);
  CHECK(first[0].text == "l0");
  CHECK(first[2].text == "l2");
  CHECK(q.size() == 3);
  CHECK(q.next_in(100.0).value() == doctest::Approx(1 / 1.8));
  CHECK(q.take_ready(100.5).empty());
  const auto second = q.take_ready(100.0 + 1 / 1.8 + 1e-6);
  REQUIRE(second.size() == 1);
  CHECK(second[0].text == "l3");  // in order
  // a long pause refills no more than the bucket holds
  for (int i = 0; i < 5; ++i) q.push(line("m"));
  CHECK(q.take_ready(1000.0).size() == 3);
}

TEST_CASE("outgoing: no advertised rate means no pacing") {
  OutgoingQueue q;
  q.reset(limits(0, 0), 0.0);
  for (int i = 0; i < 50; ++i) q.push(line("x"));
  CHECK(q.take_ready(0.0).size() == 50);
  CHECK_FALSE(q.next_in(0.0));
}
