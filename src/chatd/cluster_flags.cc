// chatd's cluster flags: the NATS servers a node joins, its id and address, and how it
// authenticates to NATS. The checks that span several flags run after parsing (exit 2).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "chatd/flags.h"
#include "util/escape.h"

namespace chatd {
namespace {

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return false;
  }
  const int n = std::stoi(std::string(port));
  return n >= 1 && n <= 65535;
}

// HOST:PORT with a non-empty host (a name, an IPv4 address or a bracketed IPv6 one).
bool valid_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto host = text.substr(0, colon);
  const bool printable = std::all_of(host.begin(), host.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-' || c == '[' || c == ']' || c == ':';
  });
  return printable && valid_port(text.substr(colon + 1));
}

std::string check_server(std::string_view url) {
  for (std::string_view scheme : {"nats://", "tls://"}) {
    if (url.starts_with(scheme) && valid_host_port(url.substr(scheme.size()))) return {};
  }
  return "\"" + chatcore::util::escape(url) + "\" is not nats://HOST:PORT or tls://HOST:PORT";
}

}  // namespace

void add_cluster_flags(CLI::App& app, Settings& settings) {
  auto& c = settings.config.cluster;
  app.add_option_function<std::string>(
         "--cluster",
         [&c](const std::string& list) {
           c.servers.clear();
           std::string_view rest = list;
           while (!rest.empty()) {
             const auto comma = rest.find(',');
             c.servers.emplace_back(rest.substr(0, comma));
             rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
           }
         },
         "run as a node of a cluster on these NATS servers, nats://HOST:PORT[,...] or tls://; "
         "empty: a single server")
      ->default_str("");
  app.add_option("--node-id", c.node_id,
                 "this node's id in the cluster, 1-32 of a-z 0-9 - (required with --cluster)");
  app.add_option("--advertise", c.advertise,
                 "HOST:PORT other nodes reach this node's gRPC service on");
  app.add_option_function<std::string>(
         "--nats-creds", [&c](const std::string& path) { c.nats_creds = path; },
         "NATS credentials file (.creds: user JWT and NKey seed)")
      ->default_str("")
      ->check(CLI::ExistingFile | CLI::IsMember({""}));
  app.add_option_function<std::string>(
         "--nats-tls-ca", [&c](const std::string& path) { c.nats_tls_ca = path; },
         "PEM CA that signs the NATS servers' certificates (turns TLS on)")
      ->default_str("")
      ->check(CLI::ExistingFile | CLI::IsMember({""}));
  app.add_option_function<std::string>(
         "--cluster-secret", [&c](const std::string& path) { c.cluster_secret = path; },
         "file with the secret the nodes share to fetch files from one another")
      ->default_str("")
      ->check(CLI::ExistingFile | CLI::IsMember({""}));
}

std::string check_cluster_flags(const Settings& settings) {
  const auto& c = settings.config.cluster;
  for (const auto& url : c.servers) {
    if (auto error = check_server(url); !error.empty()) return "--cluster: " + error;
  }
  const bool id_ok = !c.node_id.empty() && c.node_id.size() <= 32 &&
                     std::all_of(c.node_id.begin(), c.node_id.end(), [](unsigned char ch) {
                       return (ch >= 'a' && ch <= 'z') || std::isdigit(ch) || ch == '-';
                     });
  if (!c.node_id.empty() && !id_ok) {
    return "--node-id: \"" + chatcore::util::escape(c.node_id) +
           "\" is not 1 to 32 of a-z, 0-9 and -";
  }
  if (!c.advertise.empty() && !valid_host_port(c.advertise)) {
    return "--advertise: \"" + chatcore::util::escape(c.advertise) + "\" is not HOST:PORT";
  }
  if (c.servers.empty()) {
    const bool stray = !c.node_id.empty() || !c.advertise.empty() || !c.nats_creds.empty() ||
                       !c.nats_tls_ca.empty() || !c.cluster_secret.empty();
    return stray ? "--node-id, --advertise, --nats-creds, --nats-tls-ca and --cluster-secret "
                   "need --cluster"
                 : "";
  }
  if (c.node_id.empty()) return "--cluster needs --node-id";
  return {};
}

}  // namespace chatd
