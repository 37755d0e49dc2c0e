// An existing gRPC server that adds the chat service next to its own services.
// Built by meson as `embedded_server` and run by test/embedding; see docs/embedding.md.
//
// Usage: embedded_server STORAGE_DIR
// Prints "port N" once it listens; stops cleanly when its standard input closes.
#include <chatcore/service.h>

#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATA_DIR\n", argv[0]);
    return 2;
  }
  chatcore::Config config;
  config.data_dir = argv[1];  // the database, and the files in files/
  config.limits.history = 50;

  // Construct the service before the builder: it turns on the health and reflection services,
  // which a builder picks up when it is created.
  chatcore::ChatService chat(config);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  // builder.RegisterService(&my_own_service);  // the host's services go here as usual
  if (auto status = chat.attach(builder); !status.ok()) {
    std::fprintf(stderr, "cannot add the chat service: %s\n", status.to_string().c_str());
    return 1;
  }
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    std::fprintf(stderr, "cannot start the server\n");
    return 1;
  }

  // The chat loop runs on a thread the host owns; all chat state stays on it.
  std::thread loop([&chat] { chat.run(); });
  std::printf("port %d\n", port);
  std::fflush(stdout);

  // The host decides when to stop; here, when stdin closes.
  for (std::string line; std::getline(std::cin, line);) {
  }
  chat.shutdown(*server, "the host is stopping");  // tells clients, stops, drains
  loop.join();
  return 0;
}
