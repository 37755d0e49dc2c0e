#include "cluster/nats_link.h"

#include <fmt/format.h>

#include <chrono>

#include "util/log.h"

namespace chatcore::cluster {
namespace {

std::string joined(const std::vector<std::string>& servers) {
  std::string out;
  for (const auto& s : servers) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Owns a natsOptions until the connect has copied it.
struct Options {
  natsOptions* opts = nullptr;
  ~Options() { natsOptions_Destroy(opts); }
};

}  // namespace

Result<std::unique_ptr<NatsLink>> NatsLink::connect(const NatsLinkOptions& options) {
  if (options.servers.empty()) {
    return Status(Code::invalid_argument, "no NATS server given");
  }
  std::unique_ptr<NatsLink> link(new NatsLink());
  Options o;
  if (natsOptions_Create(&o.opts) != NATS_OK) {
    return Status(Code::internal, "cannot create the NATS options");
  }
  std::vector<const char*> urls;
  bool tls = !options.tls_ca_file.empty();
  for (const auto& s : options.servers) {
    urls.push_back(s.c_str());
    tls = tls || s.starts_with("tls://");
  }
  natsOptions_SetServers(o.opts, urls.data(), static_cast<int>(urls.size()));
  natsOptions_SetName(o.opts, options.name.c_str());
  natsOptions_SetTimeout(o.opts, options.connect_timeout_ms);
  natsOptions_SetMaxReconnect(o.opts, -1);
  natsOptions_SetReconnectWait(o.opts, options.reconnect_wait_ms);
  natsOptions_SetDisconnectedCB(o.opts, &NatsLink::on_disconnected, link.get());
  natsOptions_SetReconnectedCB(o.opts, &NatsLink::on_reconnected, link.get());
  natsOptions_SetClosedCB(o.opts, &NatsLink::on_closed, link.get());
  if (tls) natsOptions_SetSecure(o.opts, true);
  if (!options.tls_ca_file.empty() &&
      natsOptions_LoadCATrustedCertificates(o.opts, options.tls_ca_file.c_str()) != NATS_OK) {
    return Status(Code::invalid_argument,
                  fmt::format("cannot use {} as the NATS CA: {}", options.tls_ca_file,
                              nats_GetLastError(nullptr)));
  }
  if (!options.creds_file.empty() &&
      natsOptions_SetUserCredentialsFromFiles(o.opts, options.creds_file.c_str(), nullptr) !=
          NATS_OK) {
    return Status(Code::invalid_argument,
                  fmt::format("cannot use {} as the NATS credentials: {}", options.creds_file,
                              nats_GetLastError(nullptr)));
  }
  const natsStatus s = natsConnection_Connect(&link->nc_, o.opts);
  if (s != NATS_OK) {
    link->nc_ = nullptr;
    return Status(Code::unavailable, fmt::format("cannot reach NATS at {}: {}",
                                                 joined(options.servers), natsStatus_GetText(s)));
  }
  link->connected_ = true;
  char url[256] = {};
  natsConnection_GetConnectedUrl(link->nc_, url, sizeof url);
  log::info("cluster: connected to NATS at {} as {}", url, options.name);
  return link;
}

NatsLink::~NatsLink() {
  if (nc_ == nullptr) return;
  natsConnection_Close(nc_);
  {
    // The closed callback is the connection's last: after it nothing reaches this object.
    std::unique_lock lock(mutex_);
    closed_cv_.wait_for(lock, std::chrono::seconds(10), [this] { return closed_; });
  }
  natsConnection_Destroy(nc_);
}

int NatsLink::known_servers() const {
  char** servers = nullptr;
  int count = 0;
  if (natsConnection_GetServers(nc_, &servers, &count) != NATS_OK) return 1;
  for (int i = 0; i < count; ++i) free(servers[i]);
  free(servers);
  return count;
}

void NatsLink::set_listener(std::function<void()> changed) {
  const std::lock_guard lock(mutex_);
  listener_ = std::move(changed);
}

void NatsLink::set_connected(bool up) {
  const std::lock_guard lock(mutex_);
  connected_ = up;
  if (listener_) listener_();
}

void NatsLink::on_disconnected(natsConnection*, void* self) {
  auto* me = static_cast<NatsLink*>(self);
  if (me->connected_) log::warn("cluster: lost the connection to NATS; reconnecting");
  me->set_connected(false);
}

void NatsLink::on_reconnected(natsConnection* nc, void* self) {
  char url[256] = {};
  natsConnection_GetConnectedUrl(nc, url, sizeof url);
  log::info("cluster: reconnected to NATS at {}", url);
  static_cast<NatsLink*>(self)->set_connected(true);
}

void NatsLink::on_closed(natsConnection*, void* self) {
  auto* me = static_cast<NatsLink*>(self);
  const std::lock_guard lock(me->mutex_);
  me->connected_ = false;
  me->closed_ = true;
  me->closed_cv_.notify_all();
}

}  // namespace chatcore::cluster
