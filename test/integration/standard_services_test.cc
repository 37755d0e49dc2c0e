// The server also speaks the standard gRPC health and reflection protocols, so generic tools
// (grpc_health_probe, grpcurl) work against it. Spoken here with a generic stub and
// hand-encoded messages, as such a tool would.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "harness.h"

using namespace chatcore;
using namespace chatcore::test;

namespace {

// One unary call with raw bytes through a generic stub.
grpc::Status generic_unary(const std::string& address, const std::string& method,
                           const std::string& request, std::string& response) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + kWait);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
    const std::lock_guard lock(mutex);
    status = std::move(s);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(mutex);
  REQUIRE(cv.wait_for(lock, kWait + std::chrono::seconds(1), [&] { return done; }));
  std::vector<grpc::Slice> slices;
  if (status.ok()) {
    REQUIRE(out.Dump(&slices).ok());
    for (const auto& s : slices) response.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return status;
}

}  // namespace

TEST_CASE("the standard health service answers SERVING") {
  TestServer server;
  std::string response;
  // HealthCheckRequest{service: ""} encodes to nothing.
  const auto status =
      generic_unary(server.address(), "/grpc.health.v1.Health/Check", "", response);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  // HealthCheckResponse{status: SERVING (1)}: field 1, varint 1.
  CHECK(response == std::string("\x08\x01", 2));
}

TEST_CASE("server reflection lists the chat service") {
  TestServer server;
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + kWait);
  auto call = stub.PrepareCall(&ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                               &cq);
  void* tag = nullptr;
  bool ok = false;
  const auto step = [&](int expected) {
    REQUIRE(cq.Next(&tag, &ok));
    CHECK(tag == reinterpret_cast<void*>(static_cast<std::intptr_t>(expected)));
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  REQUIRE(step(1));
  // ServerReflectionRequest{list_services: "*"}: field 7, length-delimited "*".
  grpc::Slice request(std::string("\x3a\x01*", 3));
  grpc::ByteBuffer in(&request, 1);
  call->Write(in, reinterpret_cast<void*>(2));
  REQUIRE(step(2));
  grpc::ByteBuffer out;
  call->Read(&out, reinterpret_cast<void*>(3));
  REQUIRE(step(3));
  std::vector<grpc::Slice> slices;
  REQUIRE(out.Dump(&slices).ok());
  std::string response;
  for (const auto& s : slices) response.append(reinterpret_cast<const char*>(s.begin()), s.size());
  CHECK(response.find("chatcore.v1.Chat") != std::string::npos);
  CHECK(response.find("grpc.health.v1.Health") != std::string::npos);
  call->WritesDone(reinterpret_cast<void*>(4));
  step(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  CHECK(status.ok());
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}
