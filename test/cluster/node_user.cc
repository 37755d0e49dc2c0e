#include "node_user.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

namespace chatcore::cluster::test {

using chatcore::test::EventLog;
using chatcore::test::TempDir;
using chatcore::test::TestServer;

std::unique_ptr<TestServer> start_node(const std::string& nats_url, const std::string& node_id) {
  return std::make_unique<TestServer>([&](Config& c) {
    c.cluster.servers = {nats_url};
    c.cluster.node_id = node_id;
  });
}

namespace {
ClientOptions options_for(const TempDir& home, const std::string& nick, EventLog* log) {
  ClientOptions options;
  options.identity_file = home.path() / (nick + ".identity");
  options.state_dir = home.path() / (nick + ".state");
  if (log != nullptr) options.on_notice = [log](const Event& e) { log->push(e); };
  return options;
}
}  // namespace

NodeUser::NodeUser(const TestServer& node, const TempDir& home, const std::string& nick)
    : NodeUser(node.address(), home, nick) {}

NodeUser::NodeUser(const std::string& servers, const TempDir& home, const std::string& nick)
    : log_(std::make_unique<EventLog>()) {
  EventLog* log = log_.get();
  auto options = options_for(home, nick, log);
  options.reconnect = servers.find(',') != std::string::npos;
  options.reconnect_min = std::chrono::milliseconds(50);
  auto client = Client::open(servers, std::move(options));
  REQUIRE_MESSAGE(client.ok(), client.status().to_string());
  client_ = std::move(*client);
  auto welcome = client_->login(
      nick, [log](const Event& e) { log->push(e); }, [log](const Status& s) { log->closed(s); });
  REQUIRE_MESSAGE(welcome.ok(), "login as " << nick << ": " << welcome.status().to_string());
  REQUIRE(std::holds_alternative<Welcome>(log_->next().body));
}

NodeUser::~NodeUser() { client_.reset(); }

Status NodeUser::try_sign_in(const TestServer& node, const TempDir& home,
                             const std::string& nick) {
  return try_sign_in(node.address(), home, nick);
}

Status NodeUser::try_sign_in(const std::string& address, const TempDir& home,
                             const std::string& nick) {
  auto client = Client::open(address, options_for(home, nick, nullptr));
  if (!client.ok()) return client.status();
  auto welcome = (*client)->login(nick, [](const Event&) {}, [](const Status&) {});
  return welcome.ok() ? Status{} : welcome.status();
}

RoomInfo wait_room(NodeUser& user, const std::string& room, std::uint32_t members) {
  const auto until = std::chrono::steady_clock::now() + chatcore::test::kWait;
  for (;;) {
    auto rooms = user->list_rooms();
    REQUIRE_MESSAGE(rooms.ok(), rooms.status().to_string());
    for (const auto& r : *rooms) {
      if (r.name == room && r.members == members) return r;
    }
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < until,
                    "room " << room << " with " << members << " members never showed");
  }
}

int health_of(const std::string& address) {
  grpc::GenericStub stub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + chatcore::test::kWait);
  grpc::CompletionQueue cq;
  // HealthCheckRequest{service: ""} encodes to nothing.
  grpc::ByteBuffer request;
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  auto call = stub.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, nullptr);
  void* tag = nullptr;
  bool ok = false;
  REQUIRE(cq.Next(&tag, &ok));
  if (!status.ok()) return -1;
  std::vector<grpc::Slice> slices;
  REQUIRE(response.Dump(&slices).ok());
  std::string bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  // HealthCheckResponse{status: N}: field 1, varint N.
  return bytes.size() == 2 && bytes[0] == '\x08' ? bytes[1] : -1;
}

}  // namespace chatcore::cluster::test

namespace chatcore::cluster::test {

int wait_health(const std::string& address, int want, int seconds) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int got = health_of(address);
  while (got != want && std::chrono::steady_clock::now() < until) got = health_of(address);
  return got;
}

}  // namespace chatcore::cluster::test
