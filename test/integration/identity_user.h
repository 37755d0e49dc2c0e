// IdentityUser: a session opened with the generated stub, so a test can present an identity
// secret and a resume position (chatcore::Client's own handling of both is tested apart).
// Its events go, converted, into an EventLog like a TestUser's.
#pragma once

#include <chatcore/types.h>

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <thread>

#include "chatcore/v1/chat.grpc.pb.h"
#include "harness.h"

namespace chatcore::test {

// A 32-byte secret made of one repeated character: distinct per test user, and readable.
std::string secret_of(char c);

class IdentityUser {
 public:
  // Connects and waits for the Welcome; nullopt status on refusal. An empty secret: a guest.
  static Result<std::unique_ptr<IdentityUser>> connect(const std::string& address,
                                                       const std::string& nickname,
                                                       const std::string& secret,
                                                       const ResumePosition& resume = {});
  ~IdentityUser();  // cancels the stream
  IdentityUser(const IdentityUser&) = delete;
  IdentityUser& operator=(const IdentityUser&) = delete;

  v1::Chat::Stub& stub() { return *stub_; }
  const Welcome& welcome() const { return welcome_; }
  const std::string& token() const { return welcome_.session; }
  EventLog& log() { return log_; }
  // Ends the session from the client's side and waits until the stream is closed.
  void close();

 private:
  IdentityUser() = default;
  void read();

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Chat::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::EventBatch>> reader_;
  EventLog log_;
  Welcome welcome_;
  std::thread thread_;
};

// Connects with the secret made of `secret`, failing the test on refusal.
std::unique_ptr<IdentityUser> sign_in(const TestServer& server, const std::string& nick,
                                      char secret, const ResumePosition& resume = {});

// Asks the server until it no longer lists `nick` online (its disconnect was handled).
void wait_offline(TestUser& watcher, const std::string& nick);

// A unary call with a fresh context and the deadline every test uses.
template <class Request, class Response, class Method>
grpc::Status call(v1::Chat::Stub& stub, Method method, const Request& request, Response& out) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + kWait);
  return (stub.*method)(&ctx, request, &out);
}

}  // namespace chatcore::test
