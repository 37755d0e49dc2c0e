// ChatService lets a host that already owns a grpc::ServerBuilder add the chat service to its
// server and drive the chat loop itself; see docs/embedding.md.
#pragma once

#include <chatcore/config.h>
#include <chatcore/status.h>

#include <memory>
#include <string>

namespace grpc {
class ServerBuilder;
class Server;
}  // namespace grpc

namespace chatcore {

class ChatService {
 public:
  explicit ChatService(Config config);
  ~ChatService();
  ChatService(const ChatService&) = delete;
  ChatService& operator=(const ChatService&) = delete;

  // Registers the service and its completion queue. Call before BuildAndStart().
  // Opens the store in the data dir first. FAILED_PRECONDITION, with the reason, when the data
  // or storage dir cannot be created or the database cannot be used.
  Status attach(grpc::ServerBuilder& builder);
  // After BuildAndStart(), before run(): lets a cluster node report on `server`'s
  // grpc.health.v1 service whether it reaches NATS (NOT_SERVING while it does not), and
  // register where other nodes reach it: its --advertise address, or else its listen host
  // with `port` (the one BuildAndStart picked). Blocks for a JetStream round trip.
  void started(grpc::Server& server, int port = 0);
  // Runs the chat loop on the calling thread until shutdown() has drained it.
  void run();
  // From any thread but the loop's: tells every client why, waits up to the grace for their
  // streams to flush, shuts `server` down with that deadline, then the queue. run() returns.
  void shutdown(grpc::Server& server, const std::string& reason);
  // The server's metrics in Prometheus' text format. From any thread; never waits for the loop.
  std::string metrics_text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatcore
