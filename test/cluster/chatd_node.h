// ChatdNode: a real chatd process run as a node of a cluster (--cluster, --node-id,
// --advertise) with a data dir of its own, killed or stopped by PID, watched through its log.
#pragma once

#include <memory>
#include <string>

#include "../hardening/chatd_process.h"
#include "harness.h"

namespace chatcore::cluster_test {

class ChatdNode {
 public:
  // Starts chatd on a free loopback port, joined to the NATS servers `nats_urls` (commas),
  // and returns once it serves (it has caught up with the log).
  ChatdNode(const test::TempDir& dir, const std::string& id, const std::string& nats_urls);

  const std::string& id() const { return id_; }
  const std::string& address() const { return process_->address(); }
  bool running() const { return process_ != nullptr; }
  test::LineReader& log() { return process_->log(); }

  // SIGKILL by PID, as a crash: no goodbye to clients or NATS.
  void kill();
  // SIGTERM by PID, and waits.
  void stop();

  // The URL of the NATS server the node is on now, from its last "connected"/"reconnected"
  // line.
  std::string nats_url();
  // Waits (up to `seconds`) until the node's grpc.health.v1 status is `want` (1 SERVING,
  // 2 NOT_SERVING) and returns the last status seen.
  int wait_health(int want, int seconds = 20);

 private:
  std::string id_;
  std::unique_ptr<hardening::ChatdProcess> process_;
};

}  // namespace chatcore::cluster_test
