// NatsLink is a chatd node's one connection to the NATS servers of its cluster: built from the
// --cluster flags, it reconnects by itself for ever and says when it is up or down.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <chatcore/status.h>

namespace chatcore::cluster {

struct NatsLinkOptions {
  std::vector<std::string> servers;  // nats://H:P or tls://H:P
  std::string name;                  // the node id: how NATS's monitoring names the client
  std::string creds_file;            // empty: no credentials
  std::string tls_ca_file;           // empty: the system's CAs (for tls:// URLs)
  // Start-up tries each server once, each for at most this long.
  std::int64_t connect_timeout_ms = 3000;
  // Between two rounds of reconnect attempts; short, because writes fail while it lasts.
  std::int64_t reconnect_wait_ms = 500;
};

class NatsLink {
 public:
  // Blocking: before the loop starts. UNAVAILABLE naming the URLs when none answered,
  // INVALID_ARGUMENT when the credentials or CA file cannot be used.
  static Result<std::unique_ptr<NatsLink>> connect(const NatsLinkOptions& options);
  // Closes the connection and waits for its last callback.
  ~NatsLink();
  NatsLink(const NatsLink&) = delete;
  NatsLink& operator=(const NatsLink&) = delete;

  natsConnection* connection() const { return nc_; }
  // Any thread.
  bool connected() const { return connected_.load(); }
  // NATS servers this connection knows of (those given and those the cluster announced).
  int known_servers() const;
  // `changed` runs on a nats.c thread after every disconnect and reconnect: it must only
  // post; the loop then reads connected().
  void set_listener(std::function<void()> changed);

 private:
  NatsLink() = default;
  void set_connected(bool up);

  static void on_disconnected(natsConnection*, void* self);
  static void on_reconnected(natsConnection*, void* self);
  static void on_closed(natsConnection*, void* self);

  natsConnection* nc_ = nullptr;
  std::atomic<bool> connected_{false};
  std::mutex mutex_;
  std::condition_variable closed_cv_;
  bool closed_ = false;
  std::function<void()> listener_;
};

}  // namespace chatcore::cluster
