// ChatTarget is the chatcore server a scenario measures: in this process, in a child
// chatbench process (so its CPU and RSS are its own), or an external chatd given by address
// (and, with --server-pid, its process for CPU and RSS).
#pragma once

#include <sys/types.h>

#include <chatcore/server.h>

#include <memory>
#include <string>

#include "chatbench/child_server.h"
#include "chatbench/options.h"

namespace chatbench {

class ChatTarget {
 public:
  enum class Kind { in_process, child, external };
  // Starts (or names) the server; null with a message on stderr when it cannot.
  static std::unique_ptr<ChatTarget> start(const Options& options, Kind kind,
                                           const std::string& storage_dir);
  ~ChatTarget();
  ChatTarget(const ChatTarget&) = delete;
  ChatTarget& operator=(const ChatTarget&) = delete;

  const std::string& address() const { return address_; }
  Kind kind() const { return kind_; }
  // Server CPU seconds so far; for in_process, the process's CPU minus `client_cpu_s` (the
  // load generator's own threads). -1 for an external server whose pid is unknown.
  double cpu_s(double client_cpu_s) const;
  long rss_kib() const;  // a child, or an external server with a known pid; -1 otherwise
  pid_t pid() const { return pid_; }  // -1 when the server is not a known process
  // The server's own storage and data dir (fresh per target); empty for an external one.
  const std::string& dir() const { return dir_; }

 private:
  ChatTarget() = default;
  Kind kind_ = Kind::in_process;
  std::string address_;
  std::unique_ptr<chatcore::Server> server_;
  std::unique_ptr<ChildServer> child_;
  pid_t pid_ = -1;
  std::string dir_;
};

// The hidden `serve` scenario: a chatcore server on 127.0.0.1:0 that prints "PORT n" and runs
// until SIGTERM, keeping its store and files in --dir. Returns the exit code.
int serve_child(const Options& options);
// The hidden `serve-ceiling` scenario: the same for the ceiling (--ceiling-one-event: one event
// per write, the uncoalesced reference).
int serve_ceiling_child(const Options& options);

// The config every chatcore server of chatbench uses.
chatcore::Config bench_config(const std::string& storage_dir);

}  // namespace chatbench
