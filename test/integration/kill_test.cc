// The crash test: chatd is killed with SIGKILL at random moments while several clients send a
// paced stream of room messages and DMs, and started again on the same data dir each time.
// Every client reconnects with the position it reached. In the end every acknowledged
// message has reached every member exactly once and in order, and nothing came twice.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "../hardening/chatd_process.h"
#include "identity_user.h"

using namespace chatcore;
using chatcore::hardening::ChatdProcess;
using chatcore::test::IdentityUser;
using chatcore::test::secret_of;
using Stub = chatcore::v1::Chat::Stub;

namespace {

constexpr const char* kRoom = "k";

// What one member has handed to its user, and the position it reconnects with.
struct Member {
  std::string nick{};
  char secret = 0;
  bool sends = false;
  ResumePosition position{};
  std::vector<std::uint64_t> room_ids{};  // in arrival order
  std::map<std::uint64_t, std::string> texts{};
  std::vector<std::uint64_t> direct_ids{};  // in arrival order
  std::vector<std::string> problems{};
  std::unique_ptr<IdentityUser> session{};

  RoomPosition& room() { return position.rooms.front(); }

  // Takes one event off the session's log as a client would: positions only move forward.
  void take(const Event& e) {
    if (const auto* m = std::get_if<RoomMessage>(&e.body)) {
      if (m->replay) return;  // join history: seen before, or from before joining
      if (m->message_id != room().last_id + 1) {
        problems.push_back(fmt::format("{} got room id {} after {}", nick, m->message_id,
                                       room().last_id));
      }
      room().last_id = std::max(room().last_id, m->message_id);
      room_ids.push_back(m->message_id);
      texts[m->message_id] = m->text;
    } else if (const auto* d = std::get_if<DirectMessage>(&e.body)) {
      if (d->message_id <= position.last_direct_id) {
        problems.push_back(fmt::format("{} got DM {} again", nick, d->message_id));
      }
      position.last_direct_id = std::max(position.last_direct_id, d->message_id);
      direct_ids.push_back(d->message_id);
    } else if (const auto* g = std::get_if<HistoryGap>(&e.body)) {
      problems.push_back(fmt::format("{} was told of a gap from {}", nick, g->first_id));
    }
  }
  // Everything the session received before its stream ended.
  void drain() {
    session->log().wait_closed();
    while (auto e = session->log().next_or_end()) take(*e);
    session.reset();
  }
};

struct Acked {
  std::mutex mu;
  std::map<std::uint64_t, std::string> room;     // id -> text
  std::map<std::uint64_t, std::string> directs;  // id -> sender
};

// Sends until an RPC fails (the server died) or `count` messages went out; every third is a
// DM to `dm_to`.
void send_stream(IdentityUser& user, const std::string& nick, const std::string& dm_to,
                 int& next, int count, Acked& acked) {
  for (int sent = 0; sent < count; ++sent, ++next) {
    const std::string text = fmt::format("{}-{}", nick, next);
    v1::SendResponse out;
    grpc::Status status;
    const bool direct = next % 3 == 2;
    if (direct) {
      v1::SendDirectRequest r;
      r.set_session(user.token());
      r.set_recipient(dm_to);
      r.set_text(text);
      status = test::call(user.stub(), &Stub::SendDirect, r, out);
    } else {
      v1::SendMessageRequest r;
      r.set_session(user.token());
      r.set_room(kRoom);
      r.set_text(text);
      status = test::call(user.stub(), &Stub::SendMessage, r, out);
    }
    if (!status.ok()) return;
    const std::lock_guard lock(acked.mu);
    (direct ? acked.directs[out.message_id()] : acked.room[out.message_id()]) = direct ? nick : text;
    // Paced like people typing fast, so that kills land between and during commits.
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
}

}  // namespace

TEST_SUITE("restart") {

TEST_CASE("kill -9 at random moments loses no acknowledged message and repeats none") {
  test::TempDir dir;
  std::vector<Member> members(4);
  for (int i = 0; i < 3; ++i) {
    members[i].nick = fmt::format("s{}", i + 1);
    members[i].secret = static_cast<char>('1' + i);
    members[i].sends = true;
  }
  members[3].nick = "rx";
  members[3].secret = 'r';
  std::map<std::string, int> next_of;
  Acked acked;
  std::mt19937 rng(std::random_device{}());
  constexpr int kKills = 4;

  for (int phase = 0; phase <= kKills; ++phase) {
    CAPTURE(phase);
    auto chatd = std::make_unique<ChatdProcess>(dir.path(), 0,
                                                std::vector<std::string>{"--message-rate", "0"});
    for (auto& m : members) {
      auto user = IdentityUser::connect(chatd->address(), m.nick, secret_of(m.secret), m.position);
      REQUIRE_MESSAGE(user.ok(), m.nick << ": " << user.status().to_string());
      m.session = std::move(*user);
      if (phase > 0) continue;
      // Everyone joins before anything is said, so every member should see every message.
      v1::RoomResponse joined;
      grpc::Status status;
      if (&m == &members.front()) {
        v1::CreateRoomRequest r;
        r.set_session(m.session->token());
        r.set_name(kRoom);
        status = test::call(m.session->stub(), &Stub::CreateRoom, r, joined);
      } else {
        v1::JoinRoomRequest r;
        r.set_session(m.session->token());
        r.set_name(kRoom);
        status = test::call(m.session->stub(), &Stub::JoinRoom, r, joined);
      }
      REQUIRE_MESSAGE(status.ok(), status.error_message());
      m.position.rooms = {{.room = kRoom, .epoch = joined.epoch(), .last_id = 0}};
    }

    const bool last = phase == kKills;
    std::vector<std::thread> senders;
    for (auto& m : members) {
      if (!m.sends) continue;
      senders.emplace_back([&m, &acked, &next_of, last] {
        send_stream(*m.session, m.nick, "rx", next_of[m.nick], last ? 150 : 100000, acked);
      });
    }
    if (!last) {
      std::this_thread::sleep_for(std::chrono::milliseconds(
          std::uniform_int_distribution<int>(30, 250)(rng)));
      ::kill(chatd->pid(), SIGKILL);
      for (auto& t : senders) t.join();
      for (auto& m : members) m.drain();
      chatd->stop();
      continue;
    }
    // Reconnects while messages flow: a replay read and live events overlap, and the live
    // copies of what the replay carried must not come again.
    Member& rx = members.back();
    for (int i = 0; i < 5; ++i) {
      rx.session->close();
      rx.drain();
      auto user = IdentityUser::connect(chatd->address(), rx.nick, secret_of(rx.secret),
                                        rx.position);
      REQUIRE_MESSAGE(user.ok(), user.status().to_string());
      rx.session = std::move(*user);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (auto& t : senders) t.join();
    // A last message after every acknowledged one: whoever has it has everything before it.
    std::uint64_t fence = 0;
    {
      v1::SendMessageRequest r;
      r.set_session(members.front().session->token());
      r.set_room(kRoom);
      r.set_text("fence");
      v1::SendResponse out;
      REQUIRE(test::call(members.front().session->stub(), &Stub::SendMessage, r, out).ok());
      fence = out.message_id();
    }
    for (auto& m : members) {
      while (m.room().last_id < fence) m.take(m.session->log().next());
      m.session->close();
    }
  }

  // Every member: every acknowledged room message, in order, once; and nothing else twice.
  REQUIRE(acked.room.size() > 20);
  MESSAGE(acked.room.size() << " room messages and " << acked.directs.size()
                            << " DMs acknowledged across " << kKills << " kills");
  for (auto& m : members) {
    CAPTURE(m.nick);
    for (const auto& p : m.problems) FAIL_CHECK(p);
    std::set<std::uint64_t> unique(m.room_ids.begin(), m.room_ids.end());
    CHECK(unique.size() == m.room_ids.size());
    for (const auto& [id, text] : acked.room) {
      REQUIRE_MESSAGE(m.texts.contains(id), m.nick << " never got acknowledged " << text);
      CHECK(m.texts.at(id) == text);
    }
    // rx gets every acknowledged DM, a sender the echo of each of its own; once each.
    std::set<std::uint64_t> dms(m.direct_ids.begin(), m.direct_ids.end());
    CHECK(dms.size() == m.direct_ids.size());
    CHECK(std::is_sorted(m.direct_ids.begin(), m.direct_ids.end()));
    for (const auto& [id, from] : acked.directs) {
      if (m.nick == "rx" || m.nick == from) {
        CHECK_MESSAGE(dms.contains(id), m.nick << " never got DM " << id << " from " << from);
      }
    }
  }
}

}  // TEST_SUITE
