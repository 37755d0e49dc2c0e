// chatcore::Server runs the whole chat service: it owns the gRPC server, the completion-queue
// loop thread and the disk pool. chatd is a thin main() around it.
#pragma once

#include <chatcore/config.h>
#include <chatcore/status.h>

#include <memory>
#include <string>

namespace chatcore {

class Server {
 public:
  explicit Server(Config config);
  ~Server();  // shuts down if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the loop thread. Fails (UNAVAILABLE) when the address cannot be bound.
  Status start();
  // The bound port (useful with port 0).
  int port() const;
  // Tells every client why, stops with the configured grace, drains and joins the loop.
  // Thread-safe and idempotent; returns when the server has stopped.
  void shutdown(const std::string& reason = "server shutting down");
  // Blocks until shutdown() has completed.
  void wait();
  // The server's metrics in Prometheus' text format (docs/operations.md lists them).
  // From any thread; never waits for the loop.
  std::string metrics_text() const;
  // What grpc.health.v1 answers for every service: SERVING (the default once started) or
  // NOT_SERVING, e.g. while a cluster node is cut off from its cluster, so that a load
  // balancer sends users elsewhere. From any thread, after start().
  void set_serving(bool serving);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatcore
