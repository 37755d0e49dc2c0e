#include "cluster/node_registry.h"

#include <fmt/format.h>

#include "cluster/log_stream.h"
#include "util/escape.h"

namespace chatcore::cluster {

Result<std::unique_ptr<NodeRegistry>> NodeRegistry::open(natsConnection* nc, int replicas) {
  std::unique_ptr<NodeRegistry> registry(new NodeRegistry());
  if (natsStatus s = natsConnection_JetStream(&registry->js_, nc, nullptr); s != NATS_OK) {
    return nats_failure("open JetStream", s);
  }
  natsStatus s = js_KeyValue(&registry->kv_, registry->js_, kBucket);
  if (s == NATS_NOT_FOUND) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = kBucket;
    cfg.Description = "chatd node id -> advertised gRPC address";
    cfg.History = 1;
    cfg.StorageType = js_FileStorage;
    cfg.Replicas = replicas;
    // Two nodes starting at once may both create it: the same configuration is accepted twice.
    s = js_CreateKeyValue(&registry->kv_, registry->js_, &cfg);
  }
  if (s != NATS_OK) return nats_failure(fmt::format("open the bucket {}", kBucket), s);
  return registry;
}

NodeRegistry::~NodeRegistry() {
  kvStore_Destroy(kv_);
  jsCtx_Destroy(js_);
}

Status NodeRegistry::put(const std::string& node, const std::string& address) {
  const natsStatus s = kvStore_PutString(nullptr, kv_, node.c_str(), address.c_str());
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
