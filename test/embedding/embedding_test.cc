// Runs the embedding example from docs/embedding.md as a real process and talks to the chat
// service it hosts through the public client class.
#include <chatcore/client.h>

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct Child {
  pid_t pid = -1;
  int stdin_fd = -1;
  int stdout_fd = -1;
};

Child spawn(const std::string& exe, const std::string& arg) {
  int in[2], out[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(out) == 0);
  Child c;
  c.pid = fork();
  REQUIRE(c.pid >= 0);
  if (c.pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[1]);
    close(out[0]);
    execl(exe.c_str(), exe.c_str(), arg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  c.stdin_fd = in[1];
  c.stdout_fd = out[0];
  return c;
}

std::string read_line(int fd) {
  std::string line;
  char ch = 0;
  while (read(fd, &ch, 1) == 1 && ch != '\n') line += ch;
  return line;
}

// Events in arrival order, with a bounded wait that fails the test instead of hanging.
struct Inbox {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<chatcore::Event> events;
  bool closed = false;
  chatcore::Status final_status;

  template <class T>
  T wait_for() {
    std::unique_lock lock(mutex);
    std::size_t seen = 0;
    const bool found = cv.wait_for(lock, std::chrono::seconds(10), [&] {
      for (; seen < events.size(); ++seen) {
        if (std::holds_alternative<T>(events[seen].body)) return true;
      }
      return false;
    });
    REQUIRE(found);
    return std::get<T>(events[seen].body);
  }
};

}  // namespace

TEST_CASE("a host's own gRPC server carries the chat service") {
  const char* exe = std::getenv("EMBEDDED_SERVER");
  REQUIRE(exe != nullptr);
  std::string dir_template = (std::filesystem::temp_directory_path() / "chatcore-embed-XXXXXX");
  REQUIRE(mkdtemp(dir_template.data()) != nullptr);
  const std::filesystem::path storage = dir_template;

  Child child = spawn(exe, storage.string());
  const std::string first = read_line(child.stdout_fd);
  REQUIRE(first.rfind("port ", 0) == 0);
  const std::string address = "127.0.0.1:" + first.substr(5);

  auto client = chatcore::Client::open(address);
  REQUIRE(client.ok());
  Inbox inbox;
  auto welcome = (*client)->login(
      "host-user",
      [&](const chatcore::Event& e) {
        const std::lock_guard lock(inbox.mutex);
        inbox.events.push_back(e);
        inbox.cv.notify_all();
      },
      [&](const chatcore::Status& s) {
        const std::lock_guard lock(inbox.mutex);
        inbox.closed = true;
        inbox.final_status = s;
        inbox.cv.notify_all();
      });
  REQUIRE(welcome.ok());
  CHECK(welcome->limits.history == 50);  // the host's config reached the service

  REQUIRE((*client)->create_room("embedded").ok());
  REQUIRE((*client)->send("embedded", "hello from inside", 42).ok());
  const auto echo = inbox.wait_for<chatcore::RoomMessage>();
  CHECK(echo.text == "hello from inside");
  CHECK(echo.client_msg_id == 42);

  // Closing stdin makes the host shut the service down: the client is told first.
  close(child.stdin_fd);
  const auto notice = inbox.wait_for<chatcore::ShutdownNotice>();
  CHECK(notice.reason == "the host is stopping");
  int status = 0;
  REQUIRE(waitpid(child.pid, &status, 0) == child.pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  close(child.stdout_fd);
  (*client)->close();
  std::filesystem::remove_all(storage);
}
