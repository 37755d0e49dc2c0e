// Tab completion on the model: what each context completes to, cycling and going back, and the
// Tab key through the chat key handler.
#include "completion.h"
#include "events.h"
#include "key_handlers.h"

#include <doctest/doctest.h>

using namespace chat;
using namespace chat_test;

namespace {

void type(LineEditor& e, const std::string& s) {
  for (char ch : s) e.handle_key(Key::character(static_cast<unsigned char>(ch)));
}

const CompletionSources sources{{"bob", "Bea", "carol"}, {"games", "general", "random"}, {}};

std::string tab(const std::string& typed, int presses = 1, int step = 1) {
  LineEditor e;
  Completer c;
  type(e, typed);
  for (int i = 0; i < presses; ++i) c.complete(e, sources, step);
  return e.text();
}

}  // namespace

TEST_CASE("completion: commands, nicknames at line start and inside, #rooms") {
  CHECK(tab("/jo") == "/join ");
  CHECK(tab("/do") == "/download ");
  CHECK(tab("b") == "bob: ");        // at line start, as a reply
  CHECK(tab("b", 2) == "Bea: ");     // matched without regard to case
  CHECK(tab("hi c") == "hi carol ");
  CHECK(tab("see #ga") == "see #games ");
  CHECK(tab("see #ge") == "see #general ");
  CHECK(tab("xyz") == "xyz");        // nothing matches: unchanged
  LineEditor e;
  Completer c;
  type(e, "zz");
  CHECK_FALSE(c.complete(e, sources, 1));
}

TEST_CASE("completion: the arguments of /-commands") {
  CHECK(tab("/join r") == "/join random ");
  CHECK(tab("/part g") == "/part games ");
  CHECK(tab("/dm c") == "/dm carol ");
  CHECK(tab("/msg b") == "/msg bob ");
  CHECK(tab("/dm carol h") == "/dm carol h");  // the text is not a nickname slot
  CHECK(tab("/nick b") == "/nick b");
}

TEST_CASE("completion: repeated Tab cycles, Shift-Tab goes back, the rest of the line stays") {
  CHECK(tab("g", 1) == "g");                        // no nick starts with g
  CHECK(tab("/join g", 1) == "/join games ");
  CHECK(tab("/join g", 2) == "/join general ");
  CHECK(tab("/join g", 3) == "/join games ");       // around
  CHECK(tab("/join g", 1, -1) == "/join general ");
  LineEditor e;
  Completer c;
  type(e, "b said hi");
  e.handle_key(Key::of(KeyKind::home));
  e.handle_key(Key::of(KeyKind::right));
  CHECK(c.complete(e, sources, 1));
  CHECK(e.text() == "bob:  said hi");
  CHECK(c.complete(e, sources, 1));
  CHECK(e.text() == "Bea:  said hi");
  CHECK(c.complete(e, sources, -1));
  CHECK(e.text() == "bob:  said hi");
  // typing ends the cycle: the next Tab completes the new word
  type(e, "x");
  CHECK_FALSE(c.complete(e, sources, 1));
}

TEST_CASE("completion: sources are recent speakers and DM partners, never oneself, and joined rooms") {
  ChatState s;
  s.apply(welcome("alice"));
  s.entered_room({"general", 3});
  s.entered_room({"random", 2});
  s.focus("general");
  s.apply(room_msg(1, "general", "carol", "hi"));
  s.apply(room_msg(2, "general", "bob", "hello"));
  s.apply(room_msg(3, "general", "alice", "hey"));
  s.apply(dm(4, "dave", "alice", "psst"));
  const CompletionSources got = completion_sources(s);
  // who spoke on screen, newest first, then the DM partners
  CHECK(got.nicks == std::vector<std::string>{"bob", "carol", "dave"});
  chatcore::UserInfo erin;
  erin.nickname = "erin";
  erin.online = false;
  s.set_nicks("general", {erin});
  CHECK(completion_sources(s).nicks == std::vector<std::string>{"bob", "carol", "erin", "dave"});  // members too
  CHECK(got.rooms == std::vector<std::string>{"general", "random"});

  LineEditor input;
  Completer completer;
  Layout layout = compute_layout(12, 80, 0);
  type(input, "ca");
  CHECK(handle_chat_key(Key::of(KeyKind::tab), s, input, completer, nullptr, layout).redraw);
  CHECK(input.text() == "carol: ");
  CHECK_FALSE(handle_chat_key(Key::of(KeyKind::back_tab), s, input, completer, nullptr, layout).submit);
  CHECK(input.text() == "carol: ");  // one candidate: going back stays on it
}

TEST_CASE("completion: /download takes the files one was offered, by name where a name is enough") {
  ChatState s;
  s.apply(welcome("alice"));
  s.remember_files({file("f1", "notes.txt", 10, "bob", "games"), file("f2", "my photo.png", 20, "bob", "games"),
                    file("f3", "a.log", 30, "bob", "games"), file("f4", "a.log", 40, "carol", ""),
                    file("f5", "report.pdf", 50, "bob", "games")},
                   false);
  const CompletionSources got = completion_sources(s);
  // newest first; a name with a space, or one that two files share, is given as the id
  CHECK(got.files == std::vector<std::string>{"report.pdf", "f4", "f3", "f2", "notes.txt"});

  const CompletionSources files{{"bob"}, {"games"}, got.files};
  auto complete = [&](const std::string& typed, int presses) {
    LineEditor e;
    Completer c;
    type(e, typed);
    for (int i = 0; i < presses; ++i) c.complete(e, files, 1);
    return e.text();
  };
  CHECK(complete("/download re", 1) == "/download report.pdf ");
  CHECK(complete("/download ", 2) == "/download f4 ");           // every file, newest first
  CHECK(complete("/download NO", 1) == "/download notes.txt ");  // without regard to case
  CHECK(complete("/download notes.txt ~/", 1) == "/download notes.txt ~/");  // DEST is a path
  CHECK(complete("/join re", 1) == "/join re");                  // files only where a file goes
}
