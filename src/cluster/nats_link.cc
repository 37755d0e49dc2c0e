#include "cluster/nats_link.h"

#include <fmt/format.h>

namespace chatcore::cluster {
namespace {

Status refused(const char* what, natsStatus s) {
  return Status(Code::invalid_argument, fmt::format("{}: {}", what, natsStatus_GetText(s)));
}

// Every reconnect attempt waits this long after a whole round of the servers failed; short,
// because a node that is off NATS serves nobody.
constexpr int64_t kReconnectWaitMs = 500;

}  // namespace

NatsLink::NatsLink(LinkPost post, LinkChange on_change)
    : post_(std::move(post)), on_change_(std::move(on_change)) {}

NatsLink::~NatsLink() {
  *alive_ = false;
  // Closing first: it stops nats.c's threads from calling back into this object.
  if (nc_ != nullptr) {
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }
}

Result<std::unique_ptr<NatsLink>> NatsLink::start(const NatsLinkOptions& options, LinkPost post,
                                                  LinkChange on_change) {
  std::unique_ptr<NatsLink> link(new NatsLink(std::move(post), std::move(on_change)));
  natsOptions* opts = nullptr;
  if (auto s = natsOptions_Create(&opts); s != NATS_OK) return refused("NATS options", s);
  const std::unique_ptr<natsOptions, decltype(&natsOptions_Destroy)> guard(opts,
                                                                          natsOptions_Destroy);
  std::vector<const char*> servers;
  for (const auto& url : options.servers) servers.push_back(url.c_str());
  if (auto s = natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
      s != NATS_OK) {
    return refused("NATS server list", s);
  }
  natsOptions_SetName(opts, options.name.c_str());
  // Reconnect for ever, never giving up on the cluster; the health status says meanwhile.
  natsOptions_SetMaxReconnect(opts, -1);
  natsOptions_SetReconnectWait(opts, kReconnectWaitMs);
  natsOptions_SetDisconnectedCB(opts, &NatsLink::on_disconnected, link.get());
  natsOptions_SetReconnectedCB(opts, &NatsLink::on_connected, link.get());
  // Also when no server answers at start: connect in the background and say when it did.
  natsOptions_SetRetryOnFailedConnect(opts, true, &NatsLink::on_connected, link.get());
  if (!options.creds.empty()) {
    if (auto s = natsOptions_SetUserCredentialsFromFiles(opts, options.creds.c_str(), nullptr);
        s != NATS_OK) {
      return refused(fmt::format("NATS credentials {}", options.creds.string()).c_str(), s);
    }
  }
  if (!options.tls_ca.empty()) {
    if (auto s = natsOptions_LoadCATrustedCertificates(opts, options.tls_ca.c_str());
        s != NATS_OK) {
      return refused(fmt::format("NATS CA {}", options.tls_ca.string()).c_str(), s);
    }
  }
  const auto s = natsConnection_Connect(&link->nc_, opts);
  // NATS_NOT_YET_CONNECTED: retrying in the background, as asked.
  if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED) {
    return Status(Code::unavailable,
                  fmt::format("cannot connect to NATS: {}", natsStatus_GetText(s)));
  }
  if (s == NATS_OK) link->report(true);
  return link;
}

void NatsLink::on_connected(natsConnection*, void* self) {
  static_cast<NatsLink*>(self)->report(true);
}

void NatsLink::on_disconnected(natsConnection*, void* self) {
  static_cast<NatsLink*>(self)->report(false);
}

void NatsLink::report(bool connected) {
  connected_ = connected;
  // `alive` is read on the owner's thread, where the link is destroyed too.
  post_([alive = alive_, this, connected] {
    if (*alive) on_change_(connected);
  });
}

}  // namespace chatcore::cluster
