// ChildServer is a server chatbench runs as a child process of its own (chatcore or the
// ceiling), so that its CPU and RSS are read from /proc and are the server's alone.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace chatbench {

class ChildServer {
 public:
  // Runs `argv` (argv[0] is the program) with stdout on a pipe and waits for its "PORT n"
  // line; null with a message on stderr when it does not come.
  static std::unique_ptr<ChildServer> start(const std::vector<std::string>& argv);
  ~ChildServer();  // SIGTERM, then SIGKILL if it has not exited after 30 s
  ChildServer(const ChildServer&) = delete;
  ChildServer& operator=(const ChildServer&) = delete;

  // SIGKILL, as a crash would end it, and reaps it.
  void kill_now();
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  ChildServer() = default;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace chatbench
