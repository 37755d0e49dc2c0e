#include "cluster/node_registry.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "cluster/log_stream.h"
#include "util/escape.h"

namespace chatcore::cluster {
namespace {

// Nodes of a new cluster start together: one creates the bucket while JetStream is still
// placing its first streams, and until the bucket's stream has a leader a request times out
// or finds no responder. At start-up that is worth waiting for, up to about 30 s.
template <class Try>
natsStatus with_retries(Try attempt) {
  constexpr int kAttempts = 60;
  natsStatus s = attempt();
  for (int i = 1; i < kAttempts && (s == NATS_TIMEOUT || s == NATS_NO_RESPONDERS); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    s = attempt();
  }
  return s;
}

}  // namespace

Result<std::unique_ptr<NodeRegistry>> NodeRegistry::open(natsConnection* nc, int replicas) {
  std::unique_ptr<NodeRegistry> registry(new NodeRegistry());
  if (natsStatus s = natsConnection_JetStream(&registry->js_, nc, nullptr); s != NATS_OK) {
    return nats_failure("open JetStream", s);
  }
  const natsStatus s = with_retries([&] { return bind(*registry, replicas); });
  if (s != NATS_OK) return nats_failure(fmt::format("open the bucket {}", kBucket), s);
  return registry;
}

natsStatus NodeRegistry::bind(NodeRegistry& registry, int replicas) {
  natsStatus s = js_KeyValue(&registry.kv_, registry.js_, kBucket);
  if (s == NATS_NOT_FOUND) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = kBucket;
    cfg.Description = "chatd node id -> advertised gRPC address";
    cfg.History = 1;
    cfg.StorageType = js_FileStorage;
    cfg.Replicas = replicas;
    // Two nodes starting at once may both create it: the same configuration is accepted twice.
    s = js_CreateKeyValue(&registry.kv_, registry.js_, &cfg);
  }
  return s;
}

NodeRegistry::~NodeRegistry() {
  kvStore_Destroy(kv_);
  jsCtx_Destroy(js_);
}

Status NodeRegistry::put(const std::string& node, const std::string& address) {
  const natsStatus s =
      with_retries([&] { return kvStore_PutString(nullptr, kv_, node.c_str(), address.c_str()); });
  if (s != NATS_OK) return nats_failure(fmt::format("register node {}", node), s);
  return {};
}

Result<std::string> NodeRegistry::address_of(const std::string& node) {
  kvEntry* entry = nullptr;
  const natsStatus s = kvStore_Get(&entry, kv_, node.c_str());
  if (s == NATS_NOT_FOUND) {
    return Status(Code::not_found,
                  fmt::format("node {} has no address in the registry", util::escape(node)));
  }
  if (s != NATS_OK) return nats_failure(fmt::format("look up node {}", util::escape(node)), s);
  std::string address = kvEntry_ValueString(entry);
  kvEntry_Destroy(entry);
  return address;
}

}  // namespace chatcore::cluster
