// libFuzzer target for request validation and the chat model's command handling, without
// gRPC: the input is a small program of operations (connect, join, create, send, dm, nick,
// upload check and publish, download check, disconnect, and the text validators) run against
// a model::ChatHub with fake participants. After every operation it checks invariants:
//   - only connected sessions ever receive an event, and a session's first event is its Welcome
//   - member counts agree everywhere (list_rooms, list_users, rooms_of), no room is empty,
//     and the room count and room sizes stay within their limits
//   - accepted names, messages and file names satisfy what the validators promise
//   - a room message reaches exactly the room's members, once each
// Any violation aborts, which libFuzzer reports as a crash with the input that caused it.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "model/hub.h"
#include "model/text.h"
#include "util/log.h"

namespace {

using chatcore::Code;
using chatcore::EventPtr;
using namespace chatcore::model;

[[noreturn]] void fail(const char* what, const std::string& detail = {}) {
  std::fprintf(stderr, "invariant violated: %s %s\n", what, detail.c_str());
  std::abort();
}

#define EXPECT(cond, detail)                \
  do {                                      \
    if (!(cond)) fail(#cond, (detail));     \
  } while (0)

constexpr std::size_t kPeople = 6;
constexpr std::size_t kMaxRooms = 3;
constexpr std::size_t kMaxMembers = 3;

struct Person final : Participant {
  bool connected = false;  // between a successful connect and disconnect
  bool connecting = false;  // inside connect(): the Welcome arrives before the id
  SessionId id = 0;
  std::string token;
  std::size_t received = 0;
  std::vector<EventPtr> since;  // events of the current operation

  void deliver(const EventPtr& event) override {
    EXPECT(connected || connecting, "event for a session that is not connected");
    if (received == 0) {
      EXPECT(std::holds_alternative<chatcore::Welcome>(event->body), "first event not Welcome");
      token = std::get<chatcore::Welcome>(event->body).session;
    }
    ++received;
    since.push_back(event);
  }
};

// Names from a tiny alphabet collide often (so joins and DMs find their targets); sometimes
// the fuzzer's raw bytes go in instead.
std::string name(FuzzedDataProvider& in) {
  static constexpr std::array<const char*, 10> kNames = {
      "a", "b", "A", "room", "Room", "x\u202Ey", "\xff", "", "c\td", "\u00e9t\u00e9"};
  if (in.ConsumeBool()) return kNames[in.ConsumeIntegralInRange<std::size_t>(0, kNames.size() - 1)];
  return in.ConsumeRandomLengthString(80);
}

std::string text(FuzzedDataProvider& in) {
  if (in.ConsumeIntegralInRange(0, 15) == 0) {
    return std::string(in.ConsumeIntegralInRange<std::size_t>(60, 70), 'm');
  }
  return in.ConsumeRandomLengthString(100);
}

void check_validators(const std::string& s) {
  const bool utf8 = valid_utf8(s);
  if (check_name(s, 32, "name").ok()) {
    EXPECT(utf8 && utf8_length(s) >= 1 && utf8_length(s) <= 32, s);
    EXPECT(s.find_first_of(std::string(" \t\n\r\0\x7f", 6)) == std::string::npos, s);
  }
  if (check_message(s, 64).ok()) EXPECT(utf8 && !s.empty() && s.size() <= 64, s);
  auto safe = safe_file_name(s);
  if (safe.ok()) {
    const std::string& f = *safe;
    EXPECT(!f.empty() && f.size() <= 255 && valid_utf8(f), f);
    EXPECT(f.find_first_of("/\\") == std::string::npos, f);
    EXPECT(f.find('\0') == std::string::npos && f != "." && f != "..", f);
  } else {
    EXPECT(safe.status().code == Code::invalid_argument && !safe.status().message.empty(), s);
  }
}

struct Run {
  ChatHub hub;
  std::array<Person, kPeople> people;
  std::vector<std::string> file_ids;

  static HubConfig config() {
    HubConfig c;
    c.limits.history = 2;
    c.limits.max_message_bytes = 64;
    c.limits.max_file_size = 1000;
    c.max_rooms = kMaxRooms;
    c.max_room_members = kMaxMembers;
    return c;
  }
  Run() : hub(config()) {}

  Person& pick(FuzzedDataProvider& in) {
    return people[in.ConsumeIntegralInRange<std::size_t>(0, kPeople - 1)];
  }
  // The person's id: a live session, a stale one (ids are never reused) or 0 (never connected).
  static SessionId id_of(const Person& p) { return p.id; }

  void step(FuzzedDataProvider& in) {
    for (auto& p : people) p.since.clear();
    Person& p = pick(in);
    switch (in.ConsumeIntegralInRange(0, 12)) {
      case 0: {
        if (p.connected) break;
        p.connecting = true;
        p.received = 0;
        auto r = hub.connect(name(in), &p);
        p.connecting = false;
        if (r.ok()) {
          p.connected = true;
          p.id = *r;
          EXPECT(p.received == 1 && hub.find(p.token) == p.id, "welcome");
        } else {
          EXPECT(p.received == 0, "refused login got events");
        }
        break;
      }
      case 1: {
        // Cleared first: the leaver itself must not hear about its own disconnect.
        const bool was = std::exchange(p.connected, false);
        hub.disconnect(id_of(p), "gone");
        if (was) EXPECT(hub.find(p.token) == 0, "token outlived its session");
        break;
      }
      case 2: (void)hub.create_room(id_of(p), name(in)); break;
      case 3: (void)hub.join_room(id_of(p), name(in)); break;
      case 4: {
        // The one room (empty name), one of the person's rooms, or any name at all.
        std::string room;
        const auto mine = p.connected ? hub.rooms_of(p.id) : std::vector<std::string>{};
        switch (in.ConsumeIntegralInRange(0, 2)) {
          case 0: break;
          case 1:
            if (!mine.empty()) room = mine[in.ConsumeIntegralInRange<std::size_t>(0, mine.size() - 1)];
            break;
          default: room = name(in); break;
        }
        auto r = hub.leave_room(id_of(p), room);
        if (r.ok() && p.connected) {
          const auto after = hub.rooms_of(p.id);
          EXPECT(std::find(after.begin(), after.end(), r->name) == after.end(), r->name);
        }
        break;
      }
      case 5: {
        const std::string room = p.connected && in.ConsumeBool() ? hub.room_of(p.id) : name(in);
        auto r = hub.send_room(id_of(p), room, text(in), 7);
        if (r.ok()) check_fanout(room, *r);
        break;
      }
      case 6: (void)hub.send_direct(id_of(p), name(in), text(in), 1); break;
      case 7: (void)hub.change_nick(id_of(p), name(in)); break;
      case 8: upload(in, p); break;
      case 9: {
        const std::string id = file_ids.empty() || in.ConsumeBool()
                                   ? in.ConsumeRandomLengthString(40)
                                   : file_ids[in.ConsumeIntegralInRange<std::size_t>(
                                         0, file_ids.size() - 1)];
        auto r = hub.authorize_download(id_of(p), id);
        if (r.ok()) EXPECT(p.connected && r->id == id, id);
        break;
      }
      case 10: check_validators(in.ConsumeRandomLengthString(300)); break;
      case 11: people_and_topics(in, p); break;
      default: (void)hub.list_files(id_of(p)); break;
    }
    check_state();
  }

  // User lists, whois, away and back, topics and actions: bounded text, never a crash.
  void people_and_topics(FuzzedDataProvider& in, Person& p) {
    switch (in.ConsumeIntegralInRange(0, 4)) {
      case 0: (void)hub.list_users(name(in)); break;
      case 1: {
        auto r = hub.whois(id_of(p), name(in));
        if (r.ok()) EXPECT(p.connected && r->away_message.size() <= 200, r->nickname);
        break;
      }
      case 2: {
        auto r = hub.set_away(id_of(p), in.ConsumeRandomLengthString(250));
        if (r.ok()) EXPECT(p.connected, "away without a session");
        break;
      }
      case 3: {
        const std::string room = p.connected && in.ConsumeBool() ? hub.room_of(p.id) : name(in);
        auto r = hub.set_topic(id_of(p), room, in.ConsumeRandomLengthString(400));
        if (r.ok()) EXPECT(p.connected && r->topic.size() <= 390, r->name);
        break;
      }
      default: {
        const std::string room = p.connected && in.ConsumeBool() ? hub.room_of(p.id) : name(in);
        auto r = hub.send_room(id_of(p), room, text(in), 8, chatcore::MessageKind::action);
        if (r.ok()) check_fanout(room, *r);
        break;
      }
    }
  }

  void upload(FuzzedDataProvider& in, Person& p) {
    const bool to_room = in.ConsumeBool();
    const std::string dest = to_room && p.connected && in.ConsumeBool() ? hub.room_of(p.id) : name(in);
    const auto size = in.ConsumeIntegral<std::uint64_t>() % 2000;
    auto target = hub.check_upload(id_of(p), in.ConsumeRandomLengthString(60), size,
                                   to_room ? dest : "", to_room ? "" : dest);
    if (!target.ok()) return;
    EXPECT(p.connected && size > 0 && size <= 1000, "accepted upload");
    EXPECT(target->room.empty() != target->recipient.empty(), "upload target");
    const std::string id = hub.new_file_id();
    auto info = hub.publish_file(p.id, *target, id, size, "00");
    EXPECT(info.ok(), info.status().to_string());
    file_ids.push_back(id);
    EXPECT(hub.authorize_download(p.id, id).ok(), "uploader may not download");
  }

  void check_fanout(const std::string& room, std::uint64_t message_id) {
    auto members = hub.list_users(room);
    EXPECT(members.ok(), room);
    std::set<std::string> names;
    for (const auto& u : *members) names.insert(u.nickname);
    for (const auto& person : people) {
      std::size_t got = 0;
      for (const auto& e : person.since) {
        const auto* m = std::get_if<chatcore::RoomMessage>(&e->body);
        if (m != nullptr && m->message_id == message_id) ++got;
      }
      const bool member = person.connected && names.contains(hub.nickname(person.id));
      EXPECT(got == (member ? 1u : 0u), room);
    }
  }

  void check_state() {
    std::size_t connected = 0;
    std::map<std::string, std::size_t> in_room;
    for (const auto& p : people) {
      if (!p.connected) continue;
      ++connected;
      EXPECT(hub.find(p.token) == p.id, "token");
      EXPECT(check_name(hub.nickname(p.id), 32, "nickname").ok(), hub.nickname(p.id));
      // A user may be in many rooms (guests' memberships end with their session).
      for (const auto& room : hub.rooms_of(p.id)) ++in_room[room];
    }
    EXPECT(hub.session_count() == connected, "session count");
    auto all = hub.list_users("");
    EXPECT(all.ok() && all->size() == connected, "user list");
    const auto rooms = hub.list_rooms();
    EXPECT(rooms.size() <= kMaxRooms && rooms.size() == in_room.size(), "room count");
    for (const auto& r : rooms) {
      EXPECT(r.members >= 1 && r.members <= kMaxMembers, r.name);
      EXPECT(in_room[r.name] == r.members, r.name);
      auto users = hub.list_users(r.name);
      EXPECT(users.ok() && users->size() == r.members, r.name);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  chatcore::log::set_level(chatcore::log::Level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Run run;
  for (int steps = 0; steps < 64 && in.remaining_bytes() > 0; ++steps) run.step(in);
  return 0;
}
