#include "chatd_node.h"

#include <signal.h>

#include <regex>

#include "nats_cluster.h"
#include "node_user.h"

namespace chatcore::cluster_test {

ChatdNode::ChatdNode(const test::TempDir& dir, const std::string& id,
                     const std::string& nats_urls)
    : id_(id) {
  const auto address = "127.0.0.1:" + std::to_string(free_ports(1)[0]);
  process_ = std::make_unique<hardening::ChatdProcess>(
      dir.path() / id, 0,
      std::vector<std::string>{"--listen", address, "--cluster", nats_urls, "--node-id", id,
                               "--advertise", address, "--message-rate", "0"});
}

void ChatdNode::kill() {
  ::kill(process_->pid(), SIGKILL);
  process_.reset();
}

void ChatdNode::stop() { process_.reset(); }

std::string ChatdNode::nats_url() {
  static const std::regex url_re("connected to NATS at (nats://[0-9.:]+)");
  std::string url;
  for (const auto& line : process_->log().lines()) {
    std::smatch m;
    if (std::regex_search(line, m, url_re)) url = m[1];
  }
  REQUIRE_MESSAGE(!url.empty(), "node " << id_ << " never said which NATS server it is on");
  return url;
}

int ChatdNode::wait_health(int want, int seconds) {
  return cluster::test::wait_health(address(), want, seconds);
}

}  // namespace chatcore::cluster_test
