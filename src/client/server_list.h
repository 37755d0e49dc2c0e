// ServerList: the chat servers one Client may use ("host:port,host:port,..."), tried in
// turn, and the channel to the one in use now, shared by the session, calls and transfers.
#pragma once

#include <chatcore/status.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "chatcore/v1/chat.grpc.pb.h"

namespace chatcore::client {

// One server's channel. A call holds the Endpoint it was started on, so a switch to another
// server never pulls the channel from under it.
struct Endpoint {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Chat::Stub> stub;
};

// Splits `list` at commas; INVALID_ARGUMENT naming the first entry that is no server address.
Result<std::vector<std::string>> parse_server_list(const std::string& list);

class ServerList {
 public:
  ServerList(std::vector<std::string> addresses, std::shared_ptr<grpc::ChannelCredentials> creds,
             const grpc::ChannelArguments& args);

  // Tries every address in turn, from the first, each for up to `timeout`, and keeps the
  // first that connects. UNAVAILABLE saying why each one failed otherwise.
  Status connect(std::chrono::milliseconds timeout, bool tls);
  // The server in use now.
  std::shared_ptr<Endpoint> current() const;
  // Moves on to the next server of the list (after the last: the first again) on a fresh
  // channel that connects with its first call; a list of one keeps its channel, which
  // reconnects by itself. True when that started the list over.
  bool advance();
  std::size_t size() const { return addresses_.size(); }

 private:
  std::shared_ptr<Endpoint> make(std::size_t index) const;

  const std::vector<std::string> addresses_;
  const std::shared_ptr<grpc::ChannelCredentials> creds_;
  const grpc::ChannelArguments args_;
  mutable std::mutex mu_;
  std::size_t index_ = 0;             // guarded by mu_
  std::shared_ptr<Endpoint> current_;  // guarded by mu_
};

}  // namespace chatcore::client
