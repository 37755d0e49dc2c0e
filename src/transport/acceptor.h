// Acceptor is chatd's own listening socket for plaintext: it accepts connections and hands
// each one to the gRPC server, so that running out of file descriptors never ends listening.
// gRPC 1.51's listener stops for good after one failed accept4 (EMFILE); this one sheds the
// connection it cannot serve and keeps accepting.
#pragma once

#include <chatcore/status.h>

#include <atomic>
#include <string>
#include <thread>

namespace grpc {
class Server;
}

namespace chatcore::transport {

class Acceptor {
 public:
  Acceptor() = default;
  ~Acceptor();
  Acceptor(const Acceptor&) = delete;
  Acceptor& operator=(const Acceptor&) = delete;

  // Binds host:port (port 0: any), so that a busy port is refused before anything else
  // starts. UNAVAILABLE when that fails. With `reuse_port`, other sockets that also set
  // SO_REUSEPORT may share the port.
  Status bind(const std::string& address, bool reuse_port = false);
  int port() const { return port_; }
  // Takes connections from now on. Until then a client is refused at once (and tries its
  // next server) instead of waiting in the backlog while the server sets itself up (a
  // cluster node's start-up may take a minute). UNAVAILABLE when that fails.
  Status listen();
  // Starts accepting on a thread of its own; every connection goes to `server`.
  void start(grpc::Server& server);
  // Stops accepting and closes the listening socket; connections handed over stay open.
  void stop();

 private:
  void run(grpc::Server& server);
  void shed_one();

  int listen_fd_ = -1;
  int wake_fd_ = -1;   // an eventfd that stop() signals
  int spare_fd_ = -1;  // held open so that one connection can be accepted and shed on EMFILE
  int port_ = 0;
  std::thread thread_;
};

// The address ("ipv4:127.0.0.1:5555") of a connection the Acceptor handed over, for what gRPC
// reports as its peer ("fd:7"); any other peer is returned as it is. File descriptors are
// process-wide, so one process-wide table serves every server in the process.
std::string peer_address(const std::string& grpc_peer);

}  // namespace chatcore::transport
