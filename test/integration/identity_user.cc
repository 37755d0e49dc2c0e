#include "identity_user.h"

#include <algorithm>

#include "transport/convert.h"

namespace chatcore::test {

std::string secret_of(char c) { return std::string(32, c); }

Result<std::unique_ptr<IdentityUser>> IdentityUser::connect(const std::string& address,
                                                            const std::string& nickname,
                                                            const std::string& secret,
                                                            const ResumePosition& resume) {
  std::unique_ptr<IdentityUser> user(new IdentityUser);
  grpc::ChannelArguments args;
  // A connection of its own, like a separate client program.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetString("chatcore.test.user", nickname);
  user->channel_ = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  user->stub_ = v1::Chat::NewStub(user->channel_);
  v1::ConnectRequest request;
  request.set_nickname(nickname);
  request.set_client("identity-test");
  request.set_identity_secret(secret);
  for (const auto& room : resume.rooms) {
    auto* r = request.mutable_resume()->add_rooms();
    r->set_room(room.room);
    r->set_epoch(room.epoch);
    r->set_last_id(room.last_id);
  }
  request.mutable_resume()->set_last_direct_id(resume.last_direct_id);
  user->reader_ = user->stub_->Connect(&user->ctx_, request);
  user->thread_ = std::thread([u = user.get()] { u->read(); });
  // The Welcome, or the end of a refused stream, whichever comes first.
  const auto first = user->log_.next_or_end();
  if (!first) return user->log_.wait_closed();
  if (!std::holds_alternative<Welcome>(first->body)) {
    return Status(Code::internal, "the first event was not a Welcome: " + describe(*first));
  }
  user->welcome_ = std::get<Welcome>(first->body);
  return user;
}

void IdentityUser::read() {
  v1::EventBatch batch;
  while (reader_->Read(&batch)) {
    for (const auto& e : batch.events()) {
      if (auto event = transport::from_proto(e)) log_.push(*event);
    }
  }
  log_.closed(transport::from_grpc(reader_->Finish()));
}

void IdentityUser::close() {
  ctx_.TryCancel();
  if (thread_.joinable()) thread_.join();
}

IdentityUser::~IdentityUser() { close(); }

std::unique_ptr<IdentityUser> sign_in(const TestServer& server, const std::string& nick,
                                      char secret, const ResumePosition& resume) {
  auto user = IdentityUser::connect(server.address(), nick, secret_of(secret), resume);
  REQUIRE_MESSAGE(user.ok(), nick << ": " << user.status().to_string());
  return std::move(*user);
}

void wait_offline(TestUser& watcher, const std::string& nick) {
  for (int i = 0; i < 500; ++i) {
    const auto users = watcher->list_users();
    REQUIRE(users.ok());
    if (std::none_of(users->begin(), users->end(),
                     [&](const UserInfo& u) { return u.nickname == nick; })) {
      return;
    }
  }
  FAIL(nick << " is still online");
}

}  // namespace chatcore::test
