#include "cluster_flags.h"

#include <regex>

namespace chatd {
namespace {

// A port of 1..65535 after the last colon, and something before it.
bool host_port(const std::string& text) {
  static const std::regex re(R"(^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return false;
  const int port = std::stoi(m[2].str());
  return port >= 1 && port <= 65535;
}

std::string check_servers(const std::string& list) {
  if (list.empty()) return {};  // off: a config file lists every key, empty when unused
  for (const auto& url : cluster_servers(list)) {
    const auto scheme = url.find("://");
    const std::string name = scheme == std::string::npos ? "" : url.substr(0, scheme);
    if (name != "nats" && name != "tls") {
      return "'" + url.substr(0, 64) + "' is not a NATS server URL (nats://HOST:PORT or "
             "tls://HOST:PORT)";
    }
    if (!host_port(url.substr(scheme + 3))) {
      return "'" + url.substr(0, 64) + "' has no HOST:PORT after " + name + "://";
    }
  }
  return {};
}

std::string check_node_id(const std::string& id) {
  static const std::regex re("^[a-z0-9-]{1,32}$");
  if (id.empty() || std::regex_match(id, re)) return {};
  return "a node id is 1 to 32 of a-z, 0-9 and '-'";
}

std::string check_advertise(const std::string& text) {
  return text.empty() || host_port(text) ? "" : "expected HOST:PORT (the address other nodes reach this one at)";
}

// A file that must exist, or nothing (a config file lists every key, empty when unused).
const CLI::Validator kFileOrEmpty(
    [](std::string& path) { return path.empty() ? std::string() : CLI::ExistingFile(path); },
    "FILE");

}  // namespace

std::vector<std::string> cluster_servers(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto comma = list.find(',', start);
    out.push_back(list.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

void add_cluster_flags(CLI::App& app, ClusterFlags& flags) {
  app.add_option("--node-id", flags.node_id,
                              "this node's name in the cluster (a-z, 0-9, '-'; up to 32)")
                   ->check(CLI::Validator(check_node_id, "ID"));
  app.add_option("--cluster", flags.cluster,
                 "run as a node of a cluster on these NATS servers: nats://HOST:PORT[,...] "
                 "(empty: a single server)")
      ->check(CLI::Validator(check_servers, "URLS"));
  app.add_option("--advertise", flags.advertise,
                 "HOST:PORT other nodes reach this node's gRPC service at")
      ->check(CLI::Validator(check_advertise, "HOST:PORT"));
  app.add_option("--nats-creds", flags.nats_creds, "NATS credentials file (JWT and seed)")
      ->check(kFileOrEmpty);
  app.add_option("--nats-tls-ca", flags.nats_tls_ca, "PEM CA to trust for tls:// NATS servers")
      ->check(kFileOrEmpty);
}

std::string check_cluster_flags(const ClusterFlags& flags) {
  if (flags.cluster.empty()) return {};
  if (flags.node_id.empty()) return "--cluster needs --node-id";
  return {};
}

chatcore::cluster::NatsLinkOptions nats_link_options(const ClusterFlags& flags) {
  return {.servers = cluster_servers(flags.cluster),
          .name = "chatd " + flags.node_id,
          .creds = flags.nats_creds,
          .tls_ca = flags.nats_tls_ca};
}

}  // namespace chatd
