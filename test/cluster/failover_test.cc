// A client given several servers ("a,b"): it opens on the first one that answers, and when
// its server is killed it reconnects to the next one of the list by itself.
#include <doctest/doctest.h>

#include <chatcore/client.h>

#include <signal.h>

#include <condition_variable>
#include <mutex>
#include <optional>

#include "../hardening/chatd_process.h"
#include "../integration/harness.h"

namespace chatcore::cluster_test {
namespace {

using hardening::ChatdProcess;
using test::kWait;
using test::TempDir;

// Everything a reconnecting session reports, waited on by the test.
struct Watch {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<Event> events;
  std::vector<ConnectionChange> changes;
  std::optional<Status> closed;

  template <class Pred>
  bool wait(Pred pred) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, kWait, [&] { return pred(); });
  }
  bool saw(const std::string& text) {
    for (const Event& e : events) {
      if (const auto* m = std::get_if<RoomMessage>(&e.body); m && m->text == text) return true;
    }
    return false;
  }
};

std::unique_ptr<Client> logged_in(const std::string& servers, Watch& w, const std::string& nick) {
  ClientOptions options;
  options.reconnect = true;
  options.reconnect_min = std::chrono::milliseconds(20);
  options.reconnect_max = std::chrono::milliseconds(200);
  auto client = Client::open(servers, options);
  REQUIRE_MESSAGE(client.ok(), client.status().to_string());
  auto welcome = (*client)->login(
      nick,
      [&w](const Event& e) {
        const std::lock_guard lock(w.mu);
        w.events.push_back(e);
        w.cv.notify_all();
      },
      [&w](const Status& s) {
        const std::lock_guard lock(w.mu);
        w.closed = s;
        w.cv.notify_all();
      },
      [&w](const ConnectionChange& c) {
        const std::lock_guard lock(w.mu);
        w.changes.push_back(c);
        w.cv.notify_all();
      });
  REQUIRE_MESSAGE(welcome.ok(), welcome.status().to_string());
  return std::move(*client);
}

// An address where nothing listens: a chatd's port after it stopped.
std::string dead_address(const TempDir& dir) {
  ChatdProcess gone(dir.path() / "gone", 0);
  const auto address = gone.address();
  gone.stop();
  return address;
}

}  // namespace

TEST_SUITE_BEGIN("failover");

TEST_CASE("the first server of the list is dead: the client opens on the second") {
  TempDir dir;
  const auto dead = dead_address(dir);
  ChatdProcess live(dir.path() / "live", 0);
  Watch w;
  auto client = logged_in(dead + "," + live.address(), w, "alice");
  auto room = client->create_room("lobby");
  CHECK_MESSAGE(room.ok(), room.status().to_string());

  auto none = Client::open(dead + ", " + dead);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code == Code::unavailable);
  CHECK(none.status().message.find("cannot reach any chat server (" + dead) == 0);
  auto bad = Client::open(live.address() + ",,");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code == Code::invalid_argument);
}

TEST_CASE("the client's server is killed: it reconnects to the next one of the list") {
  TempDir dir;
  auto first = std::make_unique<ChatdProcess>(dir.path() / "a", 0);
  ChatdProcess second(dir.path() / "b", 0);
  const auto list = first->address() + "," + second.address();
  Watch w;
  auto alice = logged_in(list, w, "alice");
  REQUIRE(alice->create_room("lobby").ok());
  Watch bw;
  auto bob = logged_in(second.address(), bw, "bob");
  REQUIRE(bob->create_room("lobby").ok());

  ::kill(first->pid(), SIGKILL);
  first.reset();
  REQUIRE(w.wait([&] {
    return !w.changes.empty() && w.changes.back().state == ConnectionChange::State::resumed;
  }));
  {
    const std::lock_guard lock(w.mu);
    CHECK_FALSE(w.closed.has_value());
    // The next server of the list at once, not the dead one again.
    CHECK(w.changes.back().attempt == 1);
  }
  // These servers share nothing yet: alice is a new session on the second one.
  REQUIRE(alice->join_room("lobby").ok());
  auto sent = alice->send("lobby", "from the second server");
  CHECK_MESSAGE(sent.ok(), sent.status().to_string());
  CHECK(bw.wait([&] { return bw.saw("from the second server"); }));
  alice->close();
  bob->close();
}

TEST_SUITE_END();

}  // namespace chatcore::cluster_test
