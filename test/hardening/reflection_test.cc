// chatd --no-reflection: the reflection service is not offered at all (UNIMPLEMENTED), while
// a default chatd answers it. Real chatd processes: reflection is registered per process.
#include <doctest/doctest.h>

#include <grpcpp/generic/generic_stub.h>

#include "chatd_process.h"
#include "raw.h"

namespace chatcore::hardening {
namespace {

// One request on the reflection stream ("list services"), then the stream's status.
grpc::Status list_services(const std::string& address, std::string& response) {
  auto channel = raw_channel(address);
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + test::kWait);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  grpc::Slice request(std::string("\x3a\x01*", 3));  // list_services: "*"
  grpc::ByteBuffer in(&request, 1);
  call->Write(in, reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  grpc::ByteBuffer out;
  call->Read(&out, reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  if (ok) {
    std::vector<grpc::Slice> slices;
    if (out.Dump(&slices).ok()) {
      for (const auto& s : slices) {
        response.append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  call->WritesDone(reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace

TEST_SUITE("reflection") {

TEST_CASE("--no-reflection hides the schema; by default reflection lists the chat service") {
  test::TempDir storage;
  {
    ChatdProcess chatd(storage.path(), 0);
    std::string response;
    CHECK(list_services(chatd.address(), response).ok());
    CHECK(response.find("chatcore.v1.Chat") != std::string::npos);
  }
  {
    ChatdProcess chatd(storage.path(), 0, {"--no-reflection"});
    std::string response;
    const auto status = list_services(chatd.address(), response);
    CHECK_MESSAGE(status.error_code() == grpc::StatusCode::UNIMPLEMENTED, status_text(status));
    CHECK(response.find("chatcore.v1.Chat") == std::string::npos);
    // The chat service itself is still there.
    auto alice = Client::open(chatd.address());
    REQUIRE(alice.ok());
    CHECK((*alice)->login("alice", [](const Event&) {}, [](const Status&) {}).ok());
  }
}

}  // TEST_SUITE
}  // namespace chatcore::hardening
