#include "client/server_list.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace chatcore::client {
namespace {

// Catches the address mistakes gRPC would only report as a connection that never comes up.
Status check_address(const std::string& address) {
  if (address.empty()) return Status(Code::invalid_argument, "empty server address");
  // gRPC's unix-socket targets carry a path, not a port.
  if (address.starts_with("unix:") || address.starts_with("unix-abstract:")) return {};
  const auto colon = address.rfind(':');
  const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(),
                                  [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535 || colon == 0) {
    return Status(Code::invalid_argument,
                  fmt::format("bad server address '{}': expected host:port", address));
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> parse_server_list(const std::string& list) {
  std::vector<std::string> addresses;
  std::size_t start = 0;
  for (;;) {
    const auto comma = list.find(',', start);
    std::string entry = list.substr(start, comma == std::string::npos ? comma : comma - start);
    // "a, b" is how people write lists; the spaces are not part of an address.
    entry.erase(0, entry.find_first_not_of(' '));
    entry.erase(entry.find_last_not_of(' ') + 1);
    if (Status bad = check_address(entry); !bad.ok()) return bad;
    addresses.push_back(std::move(entry));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return addresses;
}

ServerList::ServerList(std::vector<std::string> addresses,
                       std::shared_ptr<grpc::ChannelCredentials> creds,
                       const grpc::ChannelArguments& args)
    : addresses_(std::move(addresses)), creds_(std::move(creds)), args_(args) {}

std::shared_ptr<Endpoint> ServerList::make(std::size_t index) const {
  auto endpoint = std::make_shared<Endpoint>();
  endpoint->address = addresses_[index];
  endpoint->channel = grpc::CreateCustomChannel(endpoint->address, creds_, args_);
  endpoint->stub = v1::Chat::NewStub(endpoint->channel);
  return endpoint;
}

Status ServerList::connect(std::chrono::milliseconds timeout, bool tls) {
  std::string failures;
  for (std::size_t i = 0; i < addresses_.size(); ++i) {
    auto endpoint = make(i);
    const auto deadline = std::chrono::system_clock::now() + timeout;
    // The first failed attempt (nothing listening, handshake refused) ends the wait at once:
    // a person at a prompt should not wait out the whole timeout for a typo in the port.
    const char* failure = nullptr;
    for (auto state = endpoint->channel->GetState(true); state != GRPC_CHANNEL_READY;
         state = endpoint->channel->GetState(true)) {
      if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) {
        failure = tls ? "connection refused or TLS handshake failed" : "connection refused";
        break;
      }
      if (!endpoint->channel->WaitForStateChange(state, deadline)) {
        failure = "timed out";
        break;
      }
    }
    if (failure == nullptr) {
      const std::lock_guard lock(mu_);
      index_ = i;
      current_ = std::move(endpoint);
      return {};
    }
    failures += fmt::format("{}{}: {}", failures.empty() ? "" : "; ", addresses_[i], failure);
  }
  if (addresses_.size() == 1) {
    return Status(Code::unavailable,
                  fmt::format("cannot reach chat server at {}", failures));
  }
  return Status(Code::unavailable, fmt::format("cannot reach any chat server ({})", failures));
}

std::shared_ptr<Endpoint> ServerList::current() const {
  const std::lock_guard lock(mu_);
  return current_;
}

bool ServerList::advance() {
  if (addresses_.size() == 1) return true;
  const std::lock_guard lock(mu_);
  index_ = (index_ + 1) % addresses_.size();
  current_ = make(index_);
  return index_ == 0;
}

}  // namespace chatcore::client
