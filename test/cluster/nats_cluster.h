// NatsCluster: real nats-server processes with JetStream on free loopback ports, for the
// cluster tests: three routed servers (or one), each stopped, killed or restarted by PID.
#pragma once

#include <fmt/format.h>
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "../../src/chatbench/free_ports.h"
#include "../hardening/line_reader.h"

namespace chatcore::cluster_test {

// Ports picked as chatbench picks them: below the ephemeral range, where no outgoing
// connection takes one before its server binds it.
using chatbench::free_ports;

class NatsCluster {
 public:
  // True when a nats-server binary is on PATH; a test without one exits 77.
  static bool available();

  // Starts `size` servers (1 or 3) and returns once each is ready and, with JetStream, a
  // metadata leader is known to every one of them. With `announce` false the servers tell
  // clients nothing of the others (--no_advertise), so a client given one URL stays on it:
  // stopping that server cuts the client off while the rest of the cluster goes on.
  explicit NatsCluster(int size = 3, bool announce = true);
  ~NatsCluster();
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  int size() const { return static_cast<int>(servers_.size()); }
  // nats://127.0.0.1:PORT of one server, and all of them joined by commas.
  std::string url(int i) const;
  std::string urls() const;
  pid_t pid(int i) const { return servers_[i].pid; }
  bool running(int i) const { return servers_[i].pid > 0; }
  // The server's own name (n1, n2, ...), as /jsz reports the leader.
  std::string name(int i) const { return fmt::format("n{}", i + 1); }

  // SIGTERM and wait (a clean shutdown), or SIGKILL and wait (a crash).
  void stop(int i);
  void kill(int i);
  // Starts a stopped server again on the same ports and data, and waits until it is ready.
  void restart(int i);
  // Waits (up to `seconds`) until every running server names the same JetStream metadata
  // leader, which is itself running; returns that leader's name, or "" on timeout.
  std::string wait_for_leader(int seconds = 30) const;
  // Waits (up to `seconds`) until a running server leads `stream` and reports every other
  // replica current; returns the leader's name, or "" on timeout.
  std::string wait_for_stream(const std::string& stream, int seconds = 30) const;
  // The text of one server's monitoring endpoint (e.g. "/jsz"); "" when it does not answer.
  std::string monitor(int i, const std::string& path) const;
  // What the server logged since it was last started.
  test::LineReader& log(int i) { return *servers_[i].log; }

 private:
  struct ServerProcess {
    int client_port = 0;
    int cluster_port = 0;
    int monitor_port = 0;
    pid_t pid = -1;
    std::unique_ptr<test::LineReader> log;
  };

  void spawn(int i);
  void wait_ready(int i) const;
  void end(int i, int signal);

  std::filesystem::path dir_;
  bool announce_ = true;
  std::vector<ServerProcess> servers_;
};

}  // namespace chatcore::cluster_test
