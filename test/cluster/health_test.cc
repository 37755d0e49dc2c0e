// chatd --cluster against a real nats-server: its gRPC health status is SERVING while it is
// connected to NATS, NOT_SERVING while NATS is gone, and SERVING again once NATS is back.
#include <doctest/doctest.h>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "../hardening/chatd_process.h"
#include "../integration/harness.h"
#include "nats_cluster.h"

namespace chatcore::cluster_test {
namespace {

using hardening::ChatdProcess;
using test::TempDir;

// grpc.health.v1.Health/Check for the whole server, as a load balancer asks it: the status
// field of the answer (1 SERVING, 2 NOT_SERVING), or -1 when the call failed.
int health(const std::string& address) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::CompletionQueue cq;
  grpc::Slice empty("");  // HealthCheckRequest{service: ""} encodes to nothing
  grpc::ByteBuffer request(&empty, 1);
  auto call = stub.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", request, &cq);
  call->StartCall();
  grpc::ByteBuffer response;
  grpc::Status status;
  call->Finish(&response, &status, &cq);
  void* tag = nullptr;
  bool ok = false;
  REQUIRE(cq.Next(&tag, &ok));
  if (!ok || !status.ok()) return -1;
  grpc::Slice slice;
  REQUIRE(response.TrySingleSlice(&slice).ok());
  const std::string bytes(reinterpret_cast<const char*>(slice.begin()), slice.size());
  // Field 1, varint: "\x08" then the status.
  return bytes.size() == 2 && bytes[0] == '\x08' ? bytes[1] : -1;
}

int exit_code(const std::string& flags) {
  const std::string command =
      std::string(std::getenv("CHATD")) + " " + flags + " --print-config >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

constexpr int kServing = 1;
constexpr int kNotServing = 2;

}  // namespace

TEST_SUITE_BEGIN("health");

TEST_CASE("a cluster node is NOT_SERVING while it has no NATS, SERVING while it has") {
  NatsCluster nats(1);
  TempDir dir;
  ChatdProcess node(dir.path(), 0, {"--cluster", nats.url(0), "--node-id", "node-1"});
  node.wait_for_line("node node-1: connected to NATS; serving");
  CHECK(health(node.address()) == kServing);

  nats.stop(0);
  node.wait_for_line("node node-1: lost NATS");
  CHECK(health(node.address()) == kNotServing);

  nats.restart(0);
  node.wait_for_line("node node-1: reconnected to NATS; serving");
  CHECK(health(node.address()) == kServing);
}

TEST_CASE("a single server is SERVING with no NATS at all") {
  TempDir dir;
  ChatdProcess alone(dir.path(), 0);
  CHECK(health(alone.address()) == kServing);
}

TEST_CASE("the cluster flags are checked before anything starts") {
  CHECK(exit_code("--cluster nats://127.0.0.1:4222") == 2);  // no --node-id
  CHECK(exit_code("--cluster nats://127.0.0.1:4222 --node-id node-1") == 0);
  CHECK(exit_code("--cluster tls://a.example:4222,nats://b.example:4222 --node-id b") == 0);
  CHECK(exit_code("--cluster http://127.0.0.1:4222 --node-id node-1") != 0);
  CHECK(exit_code("--cluster nats://127.0.0.1 --node-id node-1") != 0);
  CHECK(exit_code("--cluster nats://127.0.0.1:4222 --node-id Node_1") != 0);
  CHECK(exit_code("--node-id " + std::string(33, 'a')) != 0);
  CHECK(exit_code("--advertise nowhere") != 0);
  CHECK(exit_code("--nats-creds /nonexistent/creds") != 0);
}

TEST_SUITE_END();

}  // namespace chatcore::cluster_test
