// ChatdProcess: the real chatd binary (named by $CHATD) as a child process on a loopback port
// of its own, with its stderr collected line by line so that a test can wait for a log line.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "line_reader.h"

namespace chatcore::hardening {

class ChatdProcess {
 public:
  // `fds`: RLIMIT_NOFILE (soft and hard) for the child; 0 leaves it alone. `extra` are more
  // flags after the defaults (plaintext, any port unless `extra` has a --listen, no
  // per-address or command limits);
  // `wrapper` is a command line chatd runs under (strace ...), found on PATH.
  ChatdProcess(const std::filesystem::path& storage, rlim_t fds,
               const std::vector<std::string>& extra = {},
               const std::vector<std::string>& wrapper = {});
  ~ChatdProcess();
  ChatdProcess(const ChatdProcess&) = delete;
  ChatdProcess& operator=(const ChatdProcess&) = delete;

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // The first line logged so far or within 20 s that contains `needle` (or `other`); fails
  // the test if none comes.
  std::string wait_for_line(const std::string& needle, const std::string& other = {});
  // Stops chatd (SIGTERM), waits for it, and returns every line it logged.
  std::vector<std::string> stop();
  // Everything chatd logged, to wait for a line that comes after another (see LineReader).
  test::LineReader& log() { return *log_; }

 private:
  pid_t pid_ = -1;
  std::unique_ptr<test::LineReader> log_;
  std::string address_;
  int port_ = 0;
};

}  // namespace chatcore::hardening
