// The integration harness: a real chatcore::Server on a loopback port with a fresh storage
// dir, users that are real chatcore::Clients, and an event log per user that tests wait on.
//
// Nothing here sleeps. Every wait is on an event with a generous timeout that fails the test;
// "X did not receive Y" is checked with a fence (see TestServer::expect_quiet): events of one
// session arrive in the order the server produced them.
#pragma once

#include <chatcore/client.h>
#include <chatcore/server.h>

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace chatcore::test {

inline constexpr std::chrono::seconds kWait{10};

// A one-line description of an event, for failure messages.
std::string describe(const Event& event);

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `size` random bytes to `path` and returns them.
std::string write_random_file(const std::filesystem::path& path, std::size_t size);
std::string read_file(const std::filesystem::path& path);
std::string sha256_hex(std::string_view data);

// Everything one session received, in order, and how it ended.
class EventLog {
 public:
  void push(const Event& event);
  void closed(const Status& status);

  // The next event; fails the test if none arrives within kWait.
  Event next();
  // The next event, which must be a T.
  template <class T>
  T next_of() {
    Event event = next();
    if (!std::holds_alternative<T>(event.body)) {
      FAIL("expected another kind of event, got " << describe(event));
    }
    return std::get<T>(std::move(event.body));
  }
  // Skips events until a T for which `match` holds; fails the test if none comes in time.
  template <class T>
  T wait_for(const std::function<bool(const T&)>& match = {}) {
    for (;;) {
      Event event = next();
      if (const T* e = std::get_if<T>(&event.body); e != nullptr && (!match || match(*e))) {
        return *e;
      }
    }
  }
  // The next event, which must be a notice of kind T.
  template <class T>
  T next_notice() {
    Event event = next();
    if (!event.notice || !std::holds_alternative<T>(*event.notice)) {
      FAIL("expected another kind of notice, got " << describe(event));
    }
    return std::get<T>(std::move(*event.notice));
  }
  // Skips events until a notice T for which `match` holds.
  template <class T>
  T wait_notice(const std::function<bool(const T&)>& match = {}) {
    for (;;) {
      Event event = next();
      if (!event.notice) continue;
      if (const T* e = std::get_if<T>(&*event.notice); e != nullptr && (!match || match(*e))) {
        return *e;
      }
    }
  }
  // The next event, or nullopt once the stream has ended with nothing more to take; fails the
  // test if neither happens in time.
  std::optional<Event> next_or_end();
  // The status on_closed was called with; fails the test if the stream does not end in time.
  Status wait_closed();
  // How many times on_closed was called so far.
  int closed_count() const;
  // Events received but not yet taken by next().
  std::size_t pending() const;

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;
  std::optional<Status> closed_;
  int closed_count_ = 0;
  std::uint64_t last_seq_ = 0;
  std::string order_error_;  // the first gap or reordering seen, checked by next()
};

class TestServer;

// A connected, logged-in user. Its Welcome has been checked and taken off the log.
class TestUser {
 public:
  TestUser(const TestServer& server, const std::string& nickname);
  ~TestUser();
  TestUser(const TestUser&) = delete;
  TestUser& operator=(const TestUser&) = delete;

  Client& client() { return *client_; }
  Client* operator->() { return client_.get(); }
  EventLog& log() { return *log_; }
  const std::string& nick() const { return nick_; }
  void set_nick(std::string nick) { nick_ = std::move(nick); }

 private:
  std::string nick_;
  // The log outlives the client: the client's reader thread writes to it until close().
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<Client> client_;
};

// A server on 127.0.0.1:<any port> storing into a fresh temp dir, without rate limits;
// `tweak` adjusts the Config before start. Shut down and removed by the destructor.
class TestServer {
 public:
  explicit TestServer(const std::function<void(Config&)>& tweak = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  std::string address() const;
  Server& server() { return *server_; }
  const std::filesystem::path& storage() const { return storage_.path(); }
  // The regular files under the storage dir (complete files and .part temps alike).
  std::vector<std::filesystem::path> stored_files() const;

  // Asserts that `user` has received nothing since the last event the test took from its log:
  // a DM sent to it now by a lobby user must be the very next event it gets. The fence user
  // ("fence") is logged in on first use and then shows up in user lists.
  void expect_quiet(TestUser& user);
  // A round trip through the server's loop, so that work it finished before answering has
  // become visible (a cheap ListRooms by the fence user).
  void round_trip();

 private:
  TestUser& fence_user();

  TempDir data_;  // the database
  TempDir storage_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<TestUser> fence_;
  std::uint64_t fences_ = 0;
  std::chrono::milliseconds grace_{0};
};

}  // namespace chatcore::test
