// Reconnecting by itself: a real server shut down and started again on the same port; the
// client reports the loss, is welcomed again, and its calls work with the new session.
#include <doctest/doctest.h>

#include <chatcore/client.h>
#include <chatcore/server.h>

#include <sys/stat.h>

#include <condition_variable>
#include <mutex>
#include <optional>

#include "../integration/harness.h"

using namespace chatcore;
using chatcore::test::kWait;
using chatcore::test::TempDir;

namespace {

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
  int welcomes() {
    int n = 0;
    for (const Event& e : events) n += std::holds_alternative<Welcome>(e.body) ? 1 : 0;
    return n;
  }
};

std::unique_ptr<Server> start_server(const std::filesystem::path& data, int port) {
  Config config;
  config.listen = "127.0.0.1:" + std::to_string(port);
  config.data_dir = data;
  config.message_rate = {};
  config.command_rate = {};
  config.shutdown_grace = std::chrono::milliseconds(200);
  auto server = std::make_unique<Server>(std::move(config));
  const Status started = server->start();
  REQUIRE_MESSAGE(started.ok(), started.to_string());
  return server;
}

// `servers`: one address or several joined by commas.
std::unique_ptr<Client> reconnecting_client(const std::string& servers, Watch& w,
                                            const std::string& nick, ClientOptions options = {}) {
  options.reconnect = true;
  options.reconnect_min = std::chrono::milliseconds(20);
  options.reconnect_max = std::chrono::milliseconds(200);
  auto client = Client::open(servers, options);
  REQUIRE_MESSAGE(client.ok(), client.status().to_string());
  auto welcome = (*client)->login(
      nick,
      [&w](const Event& e) {
        std::lock_guard lock(w.mu);
        w.events.push_back(e);
        w.cv.notify_all();
      },
      [&w](const Status& s) {
        std::lock_guard lock(w.mu);
        w.closed = s;
        w.cv.notify_all();
      },
      [&w](const ConnectionChange& c) {
        std::lock_guard lock(w.mu);
        w.changes.push_back(c);
        w.cv.notify_all();
      });
  REQUIRE_MESSAGE(welcome.ok(), welcome.status().to_string());
  return std::move(*client);
}

std::unique_ptr<Client> reconnecting_client(int port, Watch& w, const std::string& nick,
                                            ClientOptions options = {}) {
  return reconnecting_client("127.0.0.1:" + std::to_string(port), w, nick, std::move(options));
}

}  // namespace

TEST_CASE("a server restart: the client reconnects by itself and works again") {
  TempDir data;
  auto server = start_server(data.path(), 0);
  const int port = server->port();
  Watch w;
  auto client = reconnecting_client(port, w, "alice");
  const std::string first_token = client->welcome().session;
  REQUIRE(client->create_room("general").ok());

  server->shutdown("restarting");
  REQUIRE(w.wait([&] {
    return !w.changes.empty() && w.changes.back().state == ConnectionChange::State::reconnecting;
  }));
  CHECK(client->logged_in());  // still a session, only not connected
  CHECK(client->list_rooms().status().code == Code::unavailable);
  server.reset();
  server = start_server(data.path(), port);

  REQUIRE(w.wait([&] { return w.welcomes() == 2; }));
  {
    std::lock_guard lock(w.mu);
    CHECK_FALSE(w.closed.has_value());
    CHECK(w.changes.back().state == ConnectionChange::State::resumed);
    CHECK(w.changes.front().attempt == 1);
    // Every event of the first stream came before the second Welcome.
    bool shutdown_seen = false;
    for (const Event& e : w.events) {
      if (std::holds_alternative<ShutdownNotice>(e.body)) shutdown_seen = true;
      if (std::holds_alternative<Welcome>(e.body) && std::get<Welcome>(e.body).session != first_token) {
        CHECK(shutdown_seen);
      }
    }
  }
  // Unary calls carry the new session's token.
  auto created = client->create_room("general");
  CHECK_MESSAGE(created.ok(), created.status().to_string());
  client->close();
  REQUIRE(w.wait([&] { return w.closed.has_value(); }));
  CHECK(w.closed->code == Code::cancelled);
}

TEST_CASE("while nothing listens, each retry says which address refused it, in plain words") {
  TempDir data;
  auto server = start_server(data.path(), 0);
  const int port = server->port();
  Watch w;
  auto client = reconnecting_client(port, w, "alice");
  server->shutdown("restarting");
  server.reset();
  const std::string refused = "cannot reach 127.0.0.1:" + std::to_string(port) + ": connection refused";
  // The first retry reports the lost stream; the next ones why the retry before failed.
  REQUIRE(w.wait([&] { return !w.changes.empty() && w.changes.back().attempt >= 2; }));
  {
    std::lock_guard lock(w.mu);
    const Status& cause = w.changes.back().cause;
    CHECK(cause.code == Code::unavailable);
    CHECK(cause.message == refused);
  }
  server = start_server(data.path(), port);
  REQUIRE(w.wait([&] { return w.welcomes() == 2; }));
  client->close();
}

TEST_CASE("server() names the server of the list the client is on, after a move too") {
  TempDir data_a, data_b;
  auto a = start_server(data_a.path(), 0);
  auto b = start_server(data_b.path(), 0);
  const std::string at_a = "127.0.0.1:" + std::to_string(a->port());
  const std::string at_b = "127.0.0.1:" + std::to_string(b->port());
  Watch w;
  auto client = reconnecting_client(at_a + "," + at_b, w, "alice");
  CHECK(client->server() == at_a);
  a->shutdown("restarting");
  a.reset();
  REQUIRE(w.wait([&] { return w.welcomes() == 2; }));
  CHECK(client->server() == at_b);
  client->close();
}

TEST_CASE("close() while the client waits to reconnect ends the session at once") {
  TempDir data;
  auto server = start_server(data.path(), 0);
  Watch w;
  ClientOptions slow;
  auto client = reconnecting_client(server->port(), w, "bob", slow);
  server->shutdown("going away");
  REQUIRE(w.wait([&] { return !w.changes.empty(); }));
  const auto before = std::chrono::steady_clock::now();
  client->close();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(2));
  REQUIRE(w.wait([&] { return w.closed.has_value(); }));
  CHECK(w.closed->code == Code::cancelled);
  CHECK_FALSE(client->logged_in());
}

TEST_CASE("without reconnect the session ends when the server shuts down") {
  TempDir data;
  auto server = start_server(data.path(), 0);
  auto client = Client::open("127.0.0.1:" + std::to_string(server->port()));
  REQUIRE(client.ok());
  Watch w;
  REQUIRE((*client)->login("carol", {}, [&w](const Status& s) {
                      std::lock_guard lock(w.mu);
                      w.closed = s;
                      w.cv.notify_all();
                    }).ok());
  server->shutdown("bye");
  REQUIRE(w.wait([&] { return w.closed.has_value(); }));
  CHECK(w.closed->ok());
}

TEST_CASE("an identity client keeps its secret and its position in files of its own") {
  TempDir home;
  TempDir data;
  auto server = start_server(data.path(), 0);
  const std::string address = "127.0.0.1:" + std::to_string(server->port());
  ClientOptions options;
  options.identity_file = home.path() / "config" / "identity";
  options.state_dir = home.path() / "state";
  Watch w;
  auto client = reconnecting_client(server->port(), w, "dora", options);
  struct stat st {};
  REQUIRE(::stat(options.identity_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(client->create_room("lounge").ok());
  REQUIRE(client->send("lounge", "one").ok());
  REQUIRE(client->send("lounge", "two").ok());
  std::uint64_t newest = 0;
  REQUIRE(w.wait([&] {
    int seen = 0;
    for (const Event& e : w.events) {
      if (const auto* m = std::get_if<RoomMessage>(&e.body)) {
        ++seen;
        newest = m->message_id;
      }
    }
    return seen == 2;
  }));
  client->close();
  // A later process finds where this one stopped.
  auto again = Client::open(address, options);
  REQUIRE(again.ok());
  REQUIRE((*again)->login("dora", {}, {}).ok());
  const ResumePosition at = (*again)->resume_position();
  REQUIRE(at.rooms.size() == 1);
  CHECK(at.rooms[0].room == "lounge");
  CHECK(at.rooms[0].last_id == newest);
  // A secret others may read is refused before anything is sent.
  REQUIRE(::chmod(options.identity_file.c_str(), 0644) == 0);
  (*again)->close();
  auto refused = (*again)->login("dora", {}, {});
  CHECK(refused.status().code == Code::failed_precondition);
  CHECK(refused.status().message.find("chmod 600") != std::string::npos);
}

TEST_CASE("a call made as the client reports it resumed carries the new session's token") {
  TempDir data;
  auto server = start_server(data.path(), 0);
  const int port = server->port();
  ClientOptions options;
  options.reconnect = true;
  options.reconnect_min = std::chrono::milliseconds(20);
  options.reconnect_max = std::chrono::milliseconds(200);
  auto opened = Client::open("127.0.0.1:" + std::to_string(port), options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  Client& client = **opened;
  Watch w;
  std::optional<Status> call_on_resume;
  auto welcome = client.login(
      "erin", [](const Event&) {}, [](const Status&) {},
      [&](const ConnectionChange& c) {
        // On the client's own thread, before it hands over anything of the new stream.
        std::optional<Status> status;
        if (c.state == ConnectionChange::State::resumed) status = client.list_rooms().status();
        std::lock_guard lock(w.mu);
        if (status) call_on_resume = status;
        w.changes.push_back(c);
        w.cv.notify_all();
      });
  REQUIRE_MESSAGE(welcome.ok(), welcome.status().to_string());

  server->shutdown("restarting");
  server.reset();
  server = start_server(data.path(), port);
  REQUIRE(w.wait([&] { return call_on_resume.has_value(); }));
  std::lock_guard lock(w.mu);
  CHECK_MESSAGE(call_on_resume->ok(), call_on_resume->to_string());
}
