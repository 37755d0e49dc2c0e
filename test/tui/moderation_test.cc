// Moderation in the TUI's model: the arguments of /kick, /ban, /mute..., durations, where an
// action is shown (the room, the server buffer when it is about oneself), the kick that
// closes a buffer with a visible reason, operator marks in the nick list, and completion.
#include "completion.h"
#include "events.h"
#include "moderation.h"
#include "render.h"

#include <doctest/doctest.h>

#include <stdlib.h>
#include <time.h>

using namespace chat;
using namespace chat_test;
using chatcore::ModerationAction;

namespace {

Command parsed(const std::string& line) {
  auto p = parse_command(line);
  REQUIRE_MESSAGE(std::holds_alternative<Command>(p), line);
  return std::get<Command>(p);
}

std::string error_of(const std::string& line) {
  auto p = parse_command(line);
  REQUIRE_MESSAGE(std::holds_alternative<CommandError>(p), line);
  return std::get<CommandError>(p).message;
}

chatcore::Event moderated(ModerationAction action, const std::string& room, const std::string& target,
                          const std::string& by, const std::string& reason = {}, std::int64_t until = 0) {
  chatcore::Event e = ev(chatcore::CaughtUp{});
  e.moderation = chatcore::Moderated{.action = action, .room = room, .nickname = target, .by = by,
                                     .reason = reason, .until_unix_ms = until};
  return e;
}

ChatState alice_in(std::initializer_list<const char*> rooms) {
  ChatState s;
  s.apply(welcome("alice"));
  for (const char* r : rooms) s.entered_room({r, 3});
  return s;
}

std::vector<std::string> texts(const ChatState& s, const BufferId& id) {
  std::vector<std::string> out;
  for (const Buffer& b : s.buffers().all()) {
    if (b.id != id) continue;
    for (const Line& l : b.lines) out.push_back(format_line(l, false));
  }
  return out;
}

bool has(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines) {
    if (l == text) return true;
  }
  return false;
}

struct UtcZone {
  UtcZone() {
    setenv("TZ", "UTC", 1);
    tzset();
  }
};

}  // namespace

TEST_CASE("moderation: durations") {
  using std::chrono::seconds;
  CHECK(parse_duration("30s") == seconds(30));
  CHECK(parse_duration("10m") == seconds(600));
  CHECK(parse_duration("2h") == seconds(7200));
  CHECK(parse_duration("1d") == seconds(86400));
  CHECK(parse_duration("1w") == seconds(7 * 86400));
  CHECK(parse_duration("1h30m") == seconds(5400));
  CHECK_FALSE(parse_duration("10"));  // a number without a unit could be a reason
  CHECK_FALSE(parse_duration("spam"));
  CHECK_FALSE(parse_duration("10x"));
  CHECK_FALSE(parse_duration("m"));
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("99999999999999999999w"));
}

TEST_CASE("moderation: the commands' arguments") {
  Command k = parsed("/kick bob stop   the spam");
  CHECK(k.kind == CommandKind::kick);
  CHECK(k.args == std::vector<std::string>{"bob", "stop   the spam"});
  CHECK_FALSE(k.server_wide);
  CHECK(parsed("/kick bob").args == std::vector<std::string>{"bob"});

  Command b = parsed("/ban -s bob 2h flooding");
  CHECK(b.kind == CommandKind::ban);
  CHECK(b.server_wide);
  CHECK(b.duration_s == 7200);
  CHECK(b.args == std::vector<std::string>{"bob", "flooding"});
  Command forever = parsed("/ban bob 10 lines of spam");  // no unit: all of it is the reason
  CHECK(forever.duration_s == 0);
  CHECK(forever.args == std::vector<std::string>{"bob", "10 lines of spam"});
  Command m = parsed("/mute --server bob 1d");
  CHECK((m.kind == CommandKind::mute && m.server_wide && m.duration_s == 86400));
  CHECK(m.args == std::vector<std::string>{"bob"});
  CHECK(parsed("/kick bob 10m").args == std::vector<std::string>{"bob", "10m"});  // a kick has no duration
  CHECK(parsed("/unban -s bob").server_wide);
  CHECK(parsed("/unmute bob").kind == CommandKind::unmute);

  CHECK(error_of("/kick") == "usage: /kick [-s] NICK [REASON]");
  CHECK(error_of("/ban -s") == "usage: /ban [-s] NICK [DURATION] [REASON]");
  CHECK(error_of("/unban bob why") == "usage: /unban [-s] NICK");
  CHECK(parsed("/motd").args.empty());
  CHECK(parsed("/motd Welcome, be  kind").args == std::vector<std::string>{"Welcome, be  kind"});
}

TEST_CASE("moderation: server-wide with -s or from the server buffer, else the room on screen") {
  Command room = parsed("/kick bob");
  CHECK(moderation_room(room, false, "den") == std::string("den"));
  CHECK(moderation_room(room, true, "") == std::string());
  CHECK(moderation_room(parsed("/ban -s bob"), false, "den") == std::string());
  CHECK_FALSE(moderation_room(room, false, ""));  // a DM buffer on screen: say where
}

TEST_CASE("moderation: what each action says") {
  UtcZone utc;
  using A = ModerationAction;
  const auto say = [](A a, const std::string& room, const std::string& reason = {}, std::int64_t until = 0) {
    return describe({.action = a, .room = room, .nickname = "bob", .by = "op", .reason = reason,
                     .until_unix_ms = until}, "alice");
  };
  CHECK(say(A::kick, "den", "spam") == "op kicked bob from #den: spam");
  CHECK(say(A::kick, "") == "op kicked bob off the server");
  CHECK(say(A::ban, "den", "", 1767268800000) == "op banned bob from #den until 2026-01-01 12:00");
  CHECK(say(A::ban, "", "trolling") == "op banned bob from the server until lifted: trolling");
  CHECK(say(A::mute, "den", "calm down", 1767268800000) == "op muted bob in #den until 2026-01-01 12:00: calm down");
  CHECK(say(A::unmute, "den") == "op unmuted bob in #den");
  CHECK(say(A::unban, "") == "op lifted the ban on bob on the server");
  CHECK(describe({.action = A::kick, .room = "den", .nickname = "alice", .by = "op"}, "alice") ==
        "op kicked you from #den");
  CHECK(describe({.action = A::motd, .by = "op", .reason = "be kind"}, "alice") ==
        "op set the message of the day: be kind");
  CHECK(describe({.action = A::motd, .by = "alice"}, "alice") == "you cleared the message of the day");
  CHECK(describe({.action = A::topic_lock, .room = "den", .by = "ann"}, "alice") ==
        "ann locked the topic of #den: only its operators may set it");
  CHECK(describe({.action = A::topic_unlock, .room = "den", .by = "alice"}, "alice") ==
        "you unlocked the topic of #den");
}

TEST_CASE("moderation: shown in the room; about oneself in the server buffer and on screen too") {
  ChatState s = alice_in({"den", "general"});
  s.focus("general");
  s.moderation(moderated(ModerationAction::mute, "den", "bob", "op", "spam"));
  CHECK(has(texts(s, BufferId::room("den")), "-- op muted bob in #den until lifted: spam"));
  CHECK_FALSE(has(texts(s, BufferId::server()), "-- op muted bob in #den until lifted: spam"));
  CHECK(texts(s, BufferId::room("general")).size() == 1);  // only "you are in #general"

  s.moderation(moderated(ModerationAction::mute, "den", "alice", "op", "", 0));
  CHECK(has(texts(s, BufferId::room("den")), "!! op muted you in #den until lifted"));
  CHECK(has(texts(s, BufferId::server()), "!! op muted you in #den until lifted"));
  CHECK(has(texts(s, BufferId::room("general")), "!! op muted you in #den until lifted"));
  // the den buffer counts it as a highlight in the hotlist
  for (const Buffer& b : s.buffers().all()) {
    if (b.id == BufferId::room("den")) CHECK(b.highlight);
  }

  s.moderation(moderated(ModerationAction::ban, "", "bob", "op"));  // server-wide
  CHECK(has(texts(s, BufferId::server()), "-- op banned bob from the server until lifted"));
}

TEST_CASE("moderation: a kick closes the room's buffer and says so where one reads") {
  ChatState s = alice_in({"den", "general"});
  s.focus("den");
  s.moderation(moderated(ModerationAction::kick, "den", "alice", "op", "spam"));
  s.apply(ev(chatcore::MemberLeft{.room = "den", .nickname = "alice", .members = 2,
                                  .reason = "kicked by op: spam"}));
  CHECK_FALSE(s.is_member("den"));
  CHECK(s.room() == "general");
  CHECK(has(texts(s, BufferId::room("general")), "!! you are no longer in #den: kicked by op: spam"));
  const auto server = texts(s, BufferId::server());
  CHECK(has(server, "!! op kicked you from #den: spam"));
  CHECK(has(server, "!! you are no longer in #den: kicked by op: spam"));

  // leaving from another client of the same identity is no kick
  s.apply(ev(chatcore::MemberLeft{.room = "general", .nickname = "alice", .members = 2, .reason = "left"}));
  CHECK_FALSE(has(texts(s, BufferId::server()), "!! you are no longer in #general: left"));
  CHECK(has(texts(s, BufferId::server()), "-- you left #general; you are in the lobby: /join or /create a room to talk"));
}

TEST_CASE("moderation: the fingerprint and the MOTD in the server buffer; a new MOTD kept") {
  ChatState s;
  chatcore::Event w = welcome("alice");
  auto& body = std::get<chatcore::Welcome>(w.body);
  body.fingerprint = "ab12";
  body.motd = "be kind";
  s.apply(w);
  s.entered_room({"den", 2});
  s.note_welcome();
  CHECK(has(texts(s, BufferId::server()), "-- fingerprint: ab12"));
  CHECK(has(texts(s, BufferId::server()), "-- message of the day: be kind"));
  s.moderation(moderated(ModerationAction::motd, "", "", "op", "no spam"));
  CHECK(s.motd == "no spam");
  CHECK(has(texts(s, BufferId::server()), "-- op set the message of the day: no spam"));
}

TEST_CASE("moderation: operator marks in the nick list, operators first") {
  ChatState s = alice_in({"den"});
  auto user = [](const std::string& nick, bool room_op, bool server_op) {
    chatcore::UserInfo u;
    u.nickname = nick;
    u.room_operator = room_op;
    u.server_operator = server_op;
    return u;
  };
  s.set_nicks("den", {user("alice", false, false), user("zed", true, false), user("op", false, true)});
  LineEditor e;
  const Frame f = render_chat(s, e, nullptr, 10, 80);
  std::vector<std::string> nicks;
  for (int r = 0; r < f.grid.rows(); ++r) {
    const std::string row = f.grid.row_text(r);
    const auto bar = row.rfind("│");
    if (bar != std::string::npos) nicks.push_back(row.substr(bar + std::string("│").size()));
  }
  REQUIRE(nicks.size() >= 4);
  CHECK(nicks[0].starts_with(" Nicks (3)"));
  CHECK(nicks[1] == " ~op");
  CHECK(nicks[2] == " @zed");
  CHECK(nicks[3] == " alice");
  // a join between two refreshes goes after the operators
  s.apply(ev(chatcore::MemberJoined{.room = "den", .nickname = "bea", .members = 4}));
  REQUIRE(s.current().nicks.size() == 4);
  CHECK(s.current().nicks[2].nick == "alice");
  CHECK(s.current().nicks[3].nick == "bea");
}

TEST_CASE("moderation: completion of the commands and of the nickname after -s") {
  const CompletionSources sources{{"bob", "carol"}, {"den"}, {}};
  auto tab = [&](const std::string& typed) {
    LineEditor e;
    Completer c;
    e.set_text(typed);
    c.complete(e, sources, 1);
    return e.text();
  };
  CHECK(tab("/ki") == "/kick ");
  CHECK(tab("/unm") == "/unmute ");
  CHECK(tab("/mo") == "/motd ");
  CHECK(tab("/kick b") == "/kick bob ");
  CHECK(tab("/ban -s c") == "/ban -s carol ");
  CHECK(tab("/whois c") == "/whois carol ");
  CHECK(tab("/kick bob sp") == "/kick bob sp");  // the reason is not a nickname
}

TEST_CASE("moderation: a kick off the server is not a server shutting down") {
  ChatState s = alice_in({"den"});
  s.moderation(moderated(ModerationAction::kick, "", "alice", "op", "enough"));
  s.apply(ev(chatcore::ShutdownNotice{.reason = "kicked by op: enough"}));
  CHECK(has(texts(s, BufferId::room("den")), "!! the server ended your session: kicked by op: enough"));
  CHECK(has(texts(s, BufferId::server()), "!! op kicked you off the server: enough"));
  s.apply(ev(chatcore::ShutdownNotice{.reason = "maintenance"}));  // a later one is a shutdown again
  CHECK(has(texts(s, BufferId::room("den")), "!! the server is shutting down: maintenance"));
}
