// The processes of a measured cluster: nats-server (one, or three routed) with JetStream and
// real chatd nodes, each on free loopback ports with a data dir of its own, ended by PID.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "chatbench/free_ports.h"

namespace chatbench {

class NatsServers {
 public:
  // True when nats-server is on PATH.
  static bool available();
  // Starts `size` servers (1 or 3, JetStream in `dir`) and returns once every one logged
  // that it is ready and, when routed, that a JetStream metadata leader was elected; null
  // with a message on stderr when they do not within 30 s.
  static std::unique_ptr<NatsServers> start(int size, const std::string& dir);
  ~NatsServers();  // SIGTERM and wait, SIGKILL after 10 s
  NatsServers(const NatsServers&) = delete;
  NatsServers& operator=(const NatsServers&) = delete;

  std::string urls() const;  // nats://127.0.0.1:P,... for chatd's --cluster
  std::vector<pid_t> pids() const;

 private:
  NatsServers() = default;
  struct Server {
    int client_port = 0, cluster_port = 0, monitor_port = 0;
    pid_t pid = -1;
    std::string log;
  };
  std::vector<Server> servers_;
};

class ChatdNode {
 public:
  // Runs `chatd` as node `node_id` of the cluster at `nats_urls`, listening (and advertised)
  // on a free loopback port, flood limits off, its store in `dir`; returns once it logged
  // that it serves, or null with a message on stderr (its log is `dir`/chatd.log). A node
  // that exits during start-up is started again, up to three times in all.
  static std::unique_ptr<ChatdNode> start(const std::string& chatd, const std::string& nats_urls,
                                          const std::string& node_id, const std::string& dir);
  ~ChatdNode();  // SIGTERM and wait, SIGKILL after 10 s
  ChatdNode(const ChatdNode&) = delete;
  ChatdNode& operator=(const ChatdNode&) = delete;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  ChatdNode() = default;
  pid_t pid_ = -1;
  int port_ = 0;
};

// Where chatd is: beside chatbench in the build tree (src/chatd/chatd), else on PATH.
std::string default_chatd(const std::string& self_exe);

}  // namespace chatbench
