// NatsLink: this node's connection to the NATS cluster, made from chatd's --cluster flags,
// reconnecting for ever; it tells its owner (on the owner's thread) when it comes and goes.
#pragma once

#include <chatcore/status.h>

#include <nats/nats.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace chatcore::cluster {

struct NatsLinkOptions {
  std::vector<std::string> servers;  // nats://host:port or tls://host:port
  std::string name;                  // shown by the servers as the client's name
  std::filesystem::path creds;       // a .creds file (JWT and seed); empty: none
  std::filesystem::path tls_ca;      // trust this CA (PEM) for tls:// servers; empty: system
};

// Runs a callback on the owner's thread (chatd's loop); nats.c calls back on its own threads.
using LinkPost = std::function<void(std::function<void()>)>;
// true: connected (first time or again); false: the connection is lost.
using LinkChange = std::function<void(bool connected)>;

class NatsLink {
 public:
  // Starts connecting and returns at once: with no server reachable yet it keeps trying, and
  // `on_change(true)` follows once one answers. INVALID_ARGUMENT for options nats.c refuses
  // (an unreadable creds or CA file).
  static Result<std::unique_ptr<NatsLink>> start(const NatsLinkOptions& options, LinkPost post,
                                                 LinkChange on_change);
  ~NatsLink();
  NatsLink(const NatsLink&) = delete;
  NatsLink& operator=(const NatsLink&) = delete;

  // For the log store, which publishes and consumes on it. Valid for the NatsLink's life.
  natsConnection* connection() const { return nc_; }
  bool connected() const { return connected_; }

 private:
  NatsLink(LinkPost post, LinkChange on_change);
  static void on_connected(natsConnection*, void* self);
  static void on_disconnected(natsConnection*, void* self);
  void report(bool connected);

  LinkPost post_;
  LinkChange on_change_;
  natsConnection* nc_ = nullptr;
  std::atomic<bool> connected_{false};
  // Callbacks posted but not yet run hold this, so none runs after the link is gone.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace chatcore::cluster
