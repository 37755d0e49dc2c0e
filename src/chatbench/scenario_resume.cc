// resume and restart: identities in rooms lose their sessions (they disconnect, or half of them
// do and the server is killed with SIGKILL and started again on the same data dir) while
// messages flow, then all come back at once with their resume positions. Measured: the time until every one has
// CaughtUp, and that each got every acknowledged message after its position exactly once.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include <unistd.h>

#include "chatbench/child_server.h"
#include "chatbench/load_client.h"
#include "chatbench/resume_client.h"
#include "chatbench/scenarios.h"
#include "chatbench/target.h"

namespace chatbench {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;

// The identities in rooms of o.resume_room_size and one guest sender per room, which stays.
struct Rooms {
  int count = 0;
  std::vector<std::string> of_identity;
  std::vector<std::string> of_sender;
  std::vector<int> senders;
};

Rooms plan_rooms(const Options& o) {
  Rooms r;
  const int size = std::max(1, std::min(o.resume_room_size, o.resume_clients));
  r.count = (o.resume_clients + size - 1) / size;
  for (int i = 0; i < o.resume_clients; ++i) r.of_identity.push_back(fmt::format("r{}", i / size));
  for (int k = 0; k < r.count; ++k) {
    r.of_sender.push_back(fmt::format("r{}", k));
    r.senders.push_back(k);
  }
  return r;
}

// Opens and seats the identities, then the senders; false with a message when any fails.
bool seat(const Options& o, const std::string& address, const Rooms& rooms, ResumeClient& ids,
          LoadClient& senders) {
  const int n = o.resume_clients;
  if (ids.connect_all(address, false, seconds(120)) < n || !ids.join(rooms.of_identity, seconds(120))) {
    std::fprintf(stderr, "chatbench: the identities could not all connect and join\n");
    return false;
  }
  if (senders.open(rooms.count, "s", seconds(60)) < rooms.count ||
      !senders.join(rooms.of_sender, seconds(60), false)) {
    std::fprintf(stderr, "chatbench: the senders could not all connect and join\n");
    return false;
  }
  return true;
}

std::map<std::string, std::uint64_t> acked_ids(const Rooms& rooms, const LoadClient& senders) {
  std::map<std::string, std::uint64_t> last;
  for (int k = 0; k < rooms.count; ++k) {
    last[rooms.of_sender[static_cast<std::size_t>(k)]] = senders.acked_id(k);
  }
  return last;
}

double ms_between(std::int64_t from_ns, std::int64_t to_ns) {
  return to_ns > from_ns ? static_cast<double>(to_ns - from_ns) / 1e6 : -1;
}

// Anything after CaughtUp would be a duplicate: nothing is sent any more, so a short wait
// shows whether one comes.
constexpr auto kLateWindow = milliseconds(200);

Options with_history(const Options& o, int per_room) {
  Options copy = o;
  copy.history = std::max(copy.history, per_room + 100);
  return copy;
}
}  // namespace

bool run_resume(const Options& o) {
  const Rooms rooms = plan_rooms(o);
  const int per_room = std::max(1, o.resume_messages / rooms.count);
  const Options so = with_history(o, per_room);
  const auto kind = o.server.empty() ? ChatTarget::Kind::child : ChatTarget::Kind::external;
  auto target = ChatTarget::start(so, kind, scratch(o, "resume-storage"));
  if (!target) return false;
  ResumeClient ids(o.resume_clients, "id");
  LoadClient senders({.address = target->address(), .threads = o.client_threads,
                      .text_bytes = o.text_bytes});
  if (!seat(o, target->address(), rooms, ids, senders)) return false;
  // One live message per room first, so every position is a real one.
  const auto n = static_cast<std::uint64_t>(o.resume_clients);
  bool ok = senders.send_saturating(rooms.senders, 1, 1, seconds(60)) &&
            ids.wait_received(n, seconds(60));
  ids.disconnect_all(seconds(60));
  senders.reset_stats();  // send_saturating counts answers from zero
  const std::int64_t s0 = now_ns();
  ok = senders.send_saturating(rooms.senders, per_room, o.window, seconds(900)) && ok;
  const std::int64_t s1 = now_ns();
  const auto last = acked_ids(rooms, senders);
  const std::uint64_t owed = ids.missing(last);
  const std::int64_t t0 = now_ns();
  const int welcomed = ids.connect_all(target->address(), true, seconds(300));
  ok = ids.wait_caught_up(seconds(600)) && ok;
  std::this_thread::sleep_for(kLateWindow);
  const ResumeTally t = ids.tally();
  const std::uint64_t lost = ids.missing(last) + t.skipped;
  Record rec("resume");
  rec.add("clients", o.resume_clients).add("rooms", rooms.count)
      .add("messages", static_cast<std::uint64_t>(per_room) * static_cast<std::uint64_t>(rooms.count))
      .add("send_s", ms_between(s0, s1) / 1e3)
      .add("welcomed", welcomed).add("caught_up", t.caught_up)
      .add("first_welcome_ms", ms_between(t0, t.first_welcome_ns))
      .add("all_caught_up_s", ms_between(t0, t.last_caught_up_ns) / 1e3)
      .add("expected_replayed", owed).add("replayed", t.replayed)
      .add("duplicates", t.duplicates).add("history_gaps", t.history_gaps).add("lost", lost);
  emit(rec, o.json);
  return ok && senders.stats().send_errors == 0 && t.caught_up == o.resume_clients &&
         lost == 0 && t.duplicates == 0 && t.history_gaps == 0 && t.replayed == owed;
}

bool run_restart(const Options& o) {
  if (!o.server.empty()) {
    std::fprintf(stderr, "chatbench: restart kills its own server; --server is not used\n");
  }
  const Rooms rooms = plan_rooms(o);
  const double send_s = o.smoke ? 0.6 : 3.0;  // the kill comes halfway
  const int per_room = static_cast<int>(o.restart_rate * send_s / rooms.count) + 1;
  const Options so = with_history(o, per_room);
  const std::string dir = scratch(o, fmt::format("restart-storage-{}", ::getpid()));
  std::filesystem::remove_all(dir);
  std::vector<std::string> argv = {o.self_exe, "serve", "--dir", dir, "--history",
                                   std::to_string(so.history)};
  auto server = ChildServer::start(argv);
  if (!server) return false;
  bool ok = true;
  ResumeTally t;
  std::uint64_t lost = 0, acked = 0;
  double serve_ms = -1, resumed_s = -1;
  int welcomed = 0;
  {
    ResumeClient ids(o.resume_clients, "id");
    LoadClient senders({.address = server->address(), .threads = o.client_threads,
                        .text_bytes = o.text_bytes});
    if (!seat(o, server->address(), rooms, ids, senders)) return false;
    // Half the identities are away during the load: what they get after the restart can only
    // come from the data dir. The other half read it live until the kill.
    std::vector<int> away;
    for (int i = 0; i < o.resume_clients; i += 2) away.push_back(i);
    ok = ids.disconnect(away, seconds(60));
    std::thread load([&] { senders.send_paced(rooms.senders, o.restart_rate, send_s); });
    // Time-based on purpose: the kill lands in the middle of the stream, wherever it is.
    std::this_thread::sleep_for(milliseconds(static_cast<int>(send_s * 500)));
    const std::int64_t kill_ns = now_ns();
    server->kill_now();
    ok = ids.wait_ended(seconds(60)) && ok;
    server = ChildServer::start(argv);
    if (!server) {
      load.join();
      return false;
    }
    welcomed = ids.connect_all(server->address(), true, seconds(300));
    ok = ids.wait_caught_up(seconds(600)) && ok;
    load.join();
    std::this_thread::sleep_for(kLateWindow);
    t = ids.tally();
    const auto last = acked_ids(rooms, senders);
    for (const auto& [room, id] : last) acked += id;
    lost = ids.missing(last) + t.skipped;
    serve_ms = ms_between(kill_ns, t.first_welcome_ns);
    resumed_s = ms_between(kill_ns, t.last_caught_up_ns) / 1e3;
  }
  server.reset();
  std::filesystem::remove_all(dir);
  Record rec("restart");
  rec.add("clients", o.resume_clients).add("rooms", rooms.count).add("rate", o.restart_rate)
      .add("acked_messages", acked).add("welcomed", welcomed).add("caught_up", t.caught_up)
      .add("serve_again_ms", serve_ms).add("all_resumed_s", resumed_s)
      .add("replayed", t.replayed).add("duplicates", t.duplicates)
      .add("history_gaps", t.history_gaps).add("lost_acked", lost);
  emit(rec, o.json);
  return ok && t.caught_up == o.resume_clients && lost == 0 && t.duplicates == 0 &&
         t.history_gaps == 0;
}

}  // namespace chatbench
