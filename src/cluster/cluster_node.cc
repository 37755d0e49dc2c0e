#include "cluster/cluster_node.h"

#include <algorithm>

#include "cluster/log_store.h"
#include "cluster/log_to_hub.h"
#include "cluster/nats_link.h"
#include "cluster/node_registry.h"
#include "cluster/presence_plane.h"
#include "store/sqlite_store.h"
#include "util/log.h"

namespace chatcore::cluster {
namespace {

constexpr std::int64_t kDayMs = 24LL * 60 * 60 * 1000;

// The log must keep a command as long as any replica may still need what it made: messages
// for history-days and identities for nick-days. 0 (for ever) in either keeps the log whole.
std::int64_t log_max_age_ms(const Config& config) {
  if (config.history_days == 0 || config.nick_days == 0) return 0;
  return std::max(config.history_days, config.nick_days) * kDayMs;
}

}  // namespace

Result<std::unique_ptr<ClusterNode>> ClusterNode::connect(const Config& config) {
  std::unique_ptr<ClusterNode> node(new ClusterNode(config));
  auto link = NatsLink::connect({.servers = config.cluster.servers,
                                 .name = config.cluster.node_id,
                                 .creds_file = config.cluster.nats_creds.string(),
                                 .tls_ca_file = config.cluster.nats_tls_ca.string()});
  if (!link.ok()) return link.status();
  node->link_ = std::move(*link);
  return node;
}

ClusterNode::ClusterNode(const Config& config) : config_(config) {}

ClusterNode::~ClusterNode() {
  stop();
  // The connection closes first (presence_ is declared before link_): no callback outlives it.
  link_.reset();
}

void ClusterNode::stop() {
  if (presence_) presence_->stop();
}

Result<std::unique_ptr<store::Store>> ClusterNode::open_store(const std::filesystem::path& db,
                                                              store::Post post,
                                                              model::ChatHub& hub) {
  auto replica = store::SqliteStore::open({.path = db, .durability = config_.durability}, post);
  if (!replica.ok()) return replica.status();
  LogOptions options{.node = config_.cluster.node_id};
  // The servers this connection knows of include those the NATS cluster announced, so a
  // node given one URL of a three-server cluster still asks for three replicas.
  options.stream.replicas = std::clamp(link_->known_servers(), 1, 3);
  options.stream.max_age_ms = log_max_age_ms(config_);
  log::info("cluster: node {}, log {} with {} replica(s)", config_.cluster.node_id,
            options.stream.name, options.stream.replicas);
  auto registry = NodeRegistry::open(link_->connection(), options.stream.replicas);
  if (!registry.ok()) return registry.status();
  registry_ = std::move(*registry);
  auto opened = LogStore::open(link_->connection(), std::move(*replica), post, options);
  if (!opened.ok()) return opened.status();
  (*opened)->set_observer([&hub](LogChange change) { hand_to_hub(change, hub); });
  // Guests' nickname claims: those this node held before a restart are stale, and so are a
  // dead node's (every node that sees it die releases them; the repeats change nothing).
  LogStore* log = opened->get();
  const auto released = [](Result<bool> r) {
    if (!r.ok()) log::warn("cluster: guest nicknames not released: {}", r.status().message);
  };
  log->release_node_guests(config_.cluster.node_id, released);
  presence_ = std::make_unique<PresencePlane>(
      link_->connection(), config_.cluster.node_id, std::move(post), hub,
      [log, released](const std::string& dead) { log->release_node_guests(dead, released); });
  return std::unique_ptr<store::Store>(std::move(*opened));
}

Status ClusterNode::advertise(const std::string& address) {
  if (auto put = registry_->put(config_.cluster.node_id, address); !put.ok()) return put;
  log::info("cluster: node {} advertised at {}", config_.cluster.node_id, address);
  return {};
}

Result<std::string> ClusterNode::node_address(const std::string& node) {
  return registry_->address_of(node);
}

bool ClusterNode::connected() const { return link_->connected(); }

void ClusterNode::set_listener(std::function<void()> changed) {
  link_->set_listener(std::move(changed));
}

}  // namespace chatcore::cluster
