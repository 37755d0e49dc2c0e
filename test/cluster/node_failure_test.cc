// What a failure does to chatd nodes on a three-server NATS cluster: a node killed, a NATS
// server killed, a node cut off from NATS. Nothing acknowledged to a sender is lost.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include "three_nodes.h"

namespace chatcore::cluster_test {
namespace {
using cluster::test::NodeUser;
using Clock = std::chrono::steady_clock;

// One user sending numbered messages to a room for as long as it runs, keeping what was
// acknowledged (id → text) and when each successful send started and ended.
class Sender {
 public:
  Sender(NodeUser& user, std::string room, std::string prefix)
      : user_(user), room_(std::move(room)), prefix_(std::move(prefix)),
        thread_([this] { run(); }) {}
  ~Sender() { finish(); }

  void finish() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Waits until `count` sends that started at or after `since` were acknowledged; returns
  // the time the first of them was answered (Clock::time_point{} when none came in `wait`).
  Clock::time_point wait_acks_since(Clock::time_point since, int count,
                                    std::chrono::seconds wait = std::chrono::seconds(30)) {
    std::unique_lock lock(mu_);
    Clock::time_point first{};
    cv_.wait_for(lock, wait, [&] {
      int n = 0;
      first = {};
      for (const auto& s : sends_) {
        if (s.started < since) continue;
        if (n++ == 0) first = s.answered;
      }
      return n >= count;
    });
    return first;
  }
  std::map<std::uint64_t, std::string> acked() {
    const std::lock_guard lock(mu_);
    return acked_;
  }
  // Why sends failed (a status cut short), and how often.
  std::map<std::string, int> failures() {
    const std::lock_guard lock(mu_);
    return failures_;
  }

 private:
  struct Send {
    Clock::time_point started, answered;
  };
  void run() {
    for (int i = 0; !stop_; ++i) {
      const auto text = prefix_ + std::to_string(i);
      const auto started = Clock::now();
      const auto id = user_->send(room_, text);
      {
        const std::lock_guard lock(mu_);
        if (id.ok()) {
          acked_[*id] = text;
          sends_.push_back({started, Clock::now()});
        } else {
          ++failures_[id.status().to_string().substr(0, 100)];
        }
        cv_.notify_all();
      }
      // Pacing, not synchronisation: a busy user, not a flood that starves the NATS servers
      // of the two cores they share with everything else; a refused send is retried as a
      // client would, a little later.
      std::this_thread::sleep_for(id.ok() ? kPace : kRetry);
    }
  }
  static constexpr auto kPace = std::chrono::milliseconds(5);
  static constexpr auto kRetry = std::chrono::milliseconds(50);

  NodeUser& user_;
  std::string room_, prefix_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::uint64_t, std::string> acked_;
  std::vector<Send> sends_;
  std::map<std::string, int> failures_;
  std::thread thread_;
};

// Every acknowledged message is among `got` with its text, and `got` holds each id once, in
// ascending order.
void check_received(const std::vector<RoomMessage>& got,
                    const std::map<std::uint64_t, std::string>& acked) {
  std::map<std::uint64_t, std::string> by_id;
  std::uint64_t last = 0;
  for (const auto& m : got) {
    CHECK_MESSAGE(m.message_id > last, "message " << m.message_id << " after " << last);
    last = m.message_id;
    by_id[m.message_id] = m.text;
  }
  int lost = 0;
  for (const auto& [id, text] : acked) {
    const auto it = by_id.find(id);
    if (it == by_id.end() || it->second != text) ++lost;
  }
  CHECK_MESSAGE(lost == 0, lost << " of " << acked.size() << " acknowledged messages lost");
}

// JetStream elects a stream leader 4 to 9 s after it lost one (once more when a vote
// splits); docs/cluster.md has what was measured here.
constexpr double kRecovery = 30.0;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

int index_of(NatsCluster& nats, const std::string& name) {
  for (int i = 0; i < nats.size(); ++i) {
    if (nats.name(i) == name) return i;
  }
  FAIL("no NATS server is named '" << name << "'");
  return -1;
}

}  // namespace

TEST_SUITE_BEGIN("node_failure");

TEST_CASE("kill -9 of a chatd node: its client resumes on the next node and misses nothing") {
  ThreeNodes t;
  NodeUser bob(t.b->address(), t.home, "bob");
  REQUIRE(bob->create_room("den").ok());
  NodeUser alice(t.list(), t.home, "alice");  // on a, then b
  NodeUser dave(t.a->address() + "," + t.c->address(), t.home, "dave");  // on a, then c
  wait_room(alice, "den", 1);
  REQUIRE(alice->join_room("den").ok());
  REQUIRE(dave->join_room("den").ok());
  wait_room(bob, "den", 3);

  Sender from_b(bob, "den", "b");
  Sender from_a(dave, "den", "d");  // on the node that dies
  from_b.wait_acks_since({}, 20);
  from_a.wait_acks_since({}, 20);
  t.a->kill();
  const auto killed = Clock::now();
  // Both go on: the sender on b without a break, the one on a once its client moved to c.
  REQUIRE(from_b.wait_acks_since(killed, 20) != Clock::time_point{});
  const auto back = from_a.wait_acks_since(killed, 20);
  REQUIRE(back != Clock::time_point{});
  MESSAGE("a sender on the killed node wrote again after " << seconds_between(killed, back)
                                                           << " s");
  from_b.finish();
  from_a.finish();
  CHECK_MESSAGE(from_b.failures().empty(), "a sender on another node saw the kill");
  const auto end = bob->send("den", "end");
  REQUIRE_MESSAGE(end.ok(), end.status().to_string());

  auto acked = from_b.acked();
  acked.merge(from_a.acked());
  const auto got = messages_until(alice, "end");
  check_received(got, acked);

  // After the move, history at the new node holds the same.
  check_received(whole_history(alice, "den"), acked);
}

TEST_CASE("kill -9 of a NATS server (the node's, then the leader): nothing acknowledged lost") {
  ThreeNodes t;
  NodeUser bob(t.b->address(), t.home, "bob");
  REQUIRE(bob->create_room("den").ok());
  NodeUser alice(t.a->address(), t.home, "alice");
  wait_room(alice, "den", 1);
  REQUIRE(alice->join_room("den").ok());
  Sender sender(bob, "den", "m");
  sender.wait_acks_since({}, 5);

  // The server bob's node is on, then the one leading the stream (after the first is back).
  for (const std::string which : {"node's", "leader"}) {
    int victim = t.nats_index(*t.b);
    // A whole cluster again (every replica current) before the next kill.
    const auto leader = t.nats.wait_for_stream("CHATCORE_LOG");
    REQUIRE_MESSAGE(!leader.empty(), "the stream's replicas never were all current");
    const auto meta = t.nats.wait_for_leader();
    if (which == "leader") victim = index_of(t.nats, leader);
    MESSAGE("killing " << t.nats.name(victim) << "; stream leader " << leader
                       << ", metadata leader " << meta);
    t.nats.kill(victim);
    const auto killed = Clock::now();
    const auto back = sender.wait_acks_since(killed, 3);
    REQUIRE_MESSAGE(back != Clock::time_point{}, "no write succeeded after the " << which
                                                 << " NATS server was killed");
    const double took = seconds_between(killed, back);
    MESSAGE("killed the " << which << " NATS server " << t.nats.name(victim)
                          << ": writes succeeded again after " << took << " s");
    CHECK(took < kRecovery);
    t.nats.restart(victim);
  }
  sender.finish();
  // Refused at once or after the publish timeout; or, for a write JetStream stored just
  // before the server that led everything died, unanswered until the client's deadline
  // (the node answers once its log consumer is back, after the elections).
  for (const auto& [why, count] : sender.failures()) {
    MESSAGE(count << " sends failed meanwhile: " << why);
    CHECK((why.starts_with("UNAVAILABLE") || why.starts_with("DEADLINE_EXCEEDED")));
  }
  const auto end = bob->send("den", "end");
  REQUIRE_MESSAGE(end.ok(), end.status().to_string());
  const auto acked = sender.acked();
  check_received(messages_until(alice, "end"), acked);
  // The third node's replica holds them as well.
  NodeUser carol(t.c->address(), t.home, "carol");
  wait_room(carol, "den", 2);
  REQUIRE(carol->join_room("den").ok());
  check_received(whole_history(carol, "den"), acked);
}

TEST_CASE("a node cut off from NATS refuses writes and is NOT_SERVING, then catches up") {
  ThreeNodes t(true);
  NodeUser bob(t.a->address(), t.home, "bob");
  REQUIRE(bob->create_room("den").ok());
  NodeUser carol(t.c->address(), t.home, "carol");
  wait_room(carol, "den", 1);
  REQUIRE(carol->join_room("den").ok());
  REQUIRE(bob->send("den", "before").ok());
  CHECK(carol.log().wait_for<RoomMessage>().text == "before");
  REQUIRE(t.c->wait_health(1) == 1);

  const auto from = t.c->log().count();
  const auto b_from = t.b->log().count();
  t.nats.kill(t.c_server);
  REQUIRE(t.c->log().wait_for("lost the connection to NATS", {}, std::chrono::seconds(20), from));
  CHECK(t.c->wait_health(2) == 2);
  const auto refused = carol->send("den", "into the void");
  CHECK(refused.status().code == Code::unavailable);
  CHECK_MESSAGE(refused.status().message.find("cluster is not reachable") != std::string::npos,
                refused.status().to_string());
  // Long enough for the others to find c dead: c, which hears nobody, finds nobody dead.
  REQUIRE(t.b->log().wait_for("node node-c missed its heartbeats", {}, std::chrono::seconds(20),
                              b_from));
  // The rest of the cluster goes on meanwhile.
  std::vector<std::uint64_t> during;
  for (int i = 0; i < 3; ++i) {
    during.push_back(send_retrying(bob, "den", "during " + std::to_string(i)));
  }
  CHECK(t.b->wait_health(1) == 1);

  t.nats.restart(t.c_server);
  const auto back = Clock::now();
  CHECK(t.c->wait_health(1) == 1);
  // c hands its user what the others wrote while it was away, then takes writes again.
  for (int i = 0; i < 3; ++i) {
    const auto m = carol.log().wait_for<RoomMessage>();
    CHECK(m.message_id == during[i]);
    CHECK(m.text == "during " + std::to_string(i));
  }
  MESSAGE("node c had what it missed " << seconds_between(back, Clock::now())
                                       << " s after its NATS server was ready again");
  const auto after = carol->send("den", "after");
  REQUIRE_MESSAGE(after.ok(), after.status().to_string());
  CHECK(*after > during.back());
  CHECK(bob.log().wait_for<RoomMessage>([](auto& m) { return m.text == "after"; }).sender ==
        "carol");
  const auto history = carol->history("den");
  REQUIRE(history.ok());
  CHECK(history->messages.size() == 5);
  for (const auto& line : t.c->log().lines()) {
    CHECK_MESSAGE(line.find("missed its heartbeats") == std::string::npos,
                  "node c, cut off, declared a peer dead: " << line);
  }
}

TEST_SUITE_END();

}  // namespace chatcore::cluster_test
