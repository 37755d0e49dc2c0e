// ResumeClient: one completion-queue thread reads every identity's stream; the caller's thread
// starts calls and waits (always bounded) on the tally, which one mutex guards.
#include "chatbench/resume_client.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <random>

#include "chatbench/load_internal.h"
#include "chatbench/stats.h"

namespace chatbench {

struct ResumeClient::Impl {
  void run();
  void start_connect(Identity& id, bool resume);

  grpc::CompletionQueue cq;
  std::thread thread;
  std::string address;
  std::vector<std::unique_ptr<Identity>> ids;
  mutable std::mutex mutex;  // the tally and every identity's position
  ResumeTally tally;
  std::atomic<int> in_flight{0};  // unary calls not yet answered
  std::atomic<int> refused{0};
};

struct ResumeClient::Identity {
  Identity(Impl& owner, int i, std::string nick, std::string key)
      : impl(owner), index(i), nickname(std::move(nick)), secret(std::move(key)) {}
  void on_start(bool ok);
  void on_read(bool ok);
  void on_finish(bool ok);
  void handle(const v1::Event& event, std::int64_t now);  // under impl.mutex

  Impl& impl;
  int index;
  std::string nickname;
  std::string secret;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Chat::Stub> stub;
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::ClientAsyncReader<v1::EventBatch>> reader;
  v1::EventBatch batch;
  grpc::Status final_status;
  MemberTag<Identity, &Identity::on_start> start_tag{this};
  MemberTag<Identity, &Identity::on_read> read_tag{this};
  MemberTag<Identity, &Identity::on_finish> finish_tag{this};
  std::string token;
  std::string room;
  std::uint64_t epoch = 0;    // the room's life, from the join answer
  std::uint64_t last_id = 0;  // the position: newest message id received in the room
};

void ResumeClient::Impl::run() {
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) static_cast<Tag*>(tag)->on_event(ok);
}

void ResumeClient::Identity::on_start(bool ok) {
  if (ok) {
    reader->Read(&batch, &read_tag);
  } else {
    reader->Finish(&final_status, &finish_tag);
  }
}

void ResumeClient::Identity::on_read(bool ok) {
  if (!ok) {
    reader->Finish(&final_status, &finish_tag);
    return;
  }
  const std::int64_t now = now_ns();
  {
    const std::lock_guard lock(impl.mutex);
    for (const auto& event : batch.events()) handle(event, now);
  }
  batch.Clear();
  reader->Read(&batch, &read_tag);
}

void ResumeClient::Identity::on_finish(bool /*ok*/) {
  const std::lock_guard lock(impl.mutex);
  if (final_status.error_code() == grpc::StatusCode::ALREADY_EXISTS ||
      final_status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) {
    impl.refused.fetch_add(1);
    std::fprintf(stderr, "chatbench: %s refused: %s\n", nickname.c_str(),
                 final_status.error_message().c_str());
  }
  --impl.tally.live;
}

void ResumeClient::Identity::handle(const v1::Event& event, std::int64_t now) {
  ResumeTally& t = impl.tally;
  if (event.has_welcome()) {
    token = event.welcome().session();
    if (t.welcomed++ == 0) t.first_welcome_ns = now;
  } else if (event.has_caught_up()) {
    ++t.caught_up;
    t.last_caught_up_ns = std::max(t.last_caught_up_ns, now);
  } else if (event.has_gap()) {
    ++t.history_gaps;
  } else if (event.has_room_message()) {
    const auto& m = event.room_message();
    // Join history is not a delivery: this benchmark's rooms are empty when joined.
    if (m.replay() || room.empty()) return;
    const std::uint64_t id = m.message_id();
    if (id <= last_id) {
      ++t.duplicates;
      return;
    }
    t.skipped += id - last_id - 1;
    last_id = id;
    ++t.received;
    if (m.missed()) ++t.replayed;
  }
}

void ResumeClient::Impl::start_connect(Identity& id, bool resume) {
  v1::ConnectRequest request;
  request.set_nickname(id.nickname);
  request.set_client("chatbench");
  request.set_identity_secret(id.secret);
  if (resume && !id.room.empty()) {
    auto* p = request.mutable_resume()->add_rooms();
    p->set_room(id.room);
    p->set_epoch(id.epoch);
    p->set_last_id(id.last_id);
  }
  id.reader.reset();  // lives in the old call's arena, which the old context owns
  id.ctx = std::make_unique<grpc::ClientContext>();
  id.reader = id.stub->PrepareAsyncConnect(id.ctx.get(), request, &cq);
  id.reader->StartCall(&id.start_tag);
}

ResumeClient::ResumeClient(int n, const std::string& prefix) : impl_(std::make_unique<Impl>()) {
  std::random_device seed;
  std::mt19937_64 random(seed());
  for (int i = 0; i < n; ++i) {
    std::string secret(32, '\0');
    for (auto& c : secret) c = static_cast<char>(random());
    impl_->ids.push_back(
        std::make_unique<Identity>(*impl_, i, fmt::format("{}{}", prefix, i), std::move(secret)));
  }
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

ResumeClient::~ResumeClient() {
  disconnect_all(std::chrono::seconds(20));
  wait_for([&] { return impl_->in_flight.load() == 0; }, std::chrono::seconds(20));
  impl_->cq.Shutdown();
  impl_->thread.join();
}

int ResumeClient::connect_all(const std::string& address, bool resume,
                              std::chrono::milliseconds timeout) {
  Impl& impl = *impl_;
  const bool new_address = address != impl.address;
  impl.address = address;
  {
    const std::lock_guard lock(impl.mutex);
    impl.tally.welcomed = impl.tally.caught_up = 0;
    impl.tally.first_welcome_ns = impl.tally.last_caught_up_ns = 0;
    impl.tally.live += static_cast<int>(impl.ids.size());
  }
  for (auto& id : impl.ids) {
    if (new_address || !id->stub) {
      id->channel = make_channel(address, id->index);
      id->stub = v1::Chat::NewStub(id->channel);
    }
  }
  // Positions are read here, before any stream of this round can move them.
  for (auto& id : impl.ids) impl.start_connect(*id, resume);
  const int want = static_cast<int>(impl.ids.size());
  wait_for([&] { return tally().welcomed + impl.refused.load() >= want; }, timeout);
  return tally().welcomed;
}

bool ResumeClient::join(const std::vector<std::string>& room_of, std::chrono::milliseconds timeout) {
  Impl& impl = *impl_;
  std::atomic<int> failed{0};
  const auto call = [&](Identity& id, bool create) {
    auto* c = new UnaryCall<v1::RoomResponse>;
    c->then = [&impl, &failed, &id](UnaryCall<v1::RoomResponse>& done) {
      if (!done.status.ok()) {
        std::fprintf(stderr, "chatbench: join refused: %s\n", done.status.error_message().c_str());
        failed.fetch_add(1);
      } else {
        const std::lock_guard lock(impl.mutex);
        id.epoch = done.response.epoch();
      }
      impl.in_flight.fetch_sub(1);
    };
    impl.in_flight.fetch_add(1);
    if (create) {
      v1::CreateRoomRequest r;
      r.set_session(id.token);
      r.set_name(id.room);
      c->rpc = id.stub->PrepareAsyncCreateRoom(&c->ctx, r, &impl.cq);
    } else {
      v1::JoinRoomRequest r;
      r.set_session(id.token);
      r.set_name(id.room);
      c->rpc = id.stub->PrepareAsyncJoinRoom(&c->ctx, r, &impl.cq);
    }
    c->rpc->StartCall();
    c->rpc->Finish(&c->response, &c->status, c);
  };
  std::map<std::string, Identity*> creators;
  for (std::size_t i = 0; i < room_of.size() && i < impl.ids.size(); ++i) {
    Identity& id = *impl.ids[i];
    id.room = room_of[i];
    if (!id.room.empty() && creators.emplace(id.room, &id).second) call(id, true);
  }
  const auto idle = [&] { return impl.in_flight.load() == 0; };
  if (!wait_for(idle, timeout) || failed.load() > 0) return false;
  for (auto& id : impl.ids) {
    if (!id->room.empty() && creators.at(id->room) != id.get()) call(*id, false);
  }
  return wait_for(idle, timeout) && failed.load() == 0;
}

ResumeTally ResumeClient::tally() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->tally;
}

bool ResumeClient::wait_caught_up(std::chrono::milliseconds timeout) {
  const int want = static_cast<int>(impl_->ids.size());
  return wait_for([&] { return tally().caught_up >= want; }, timeout);
}

bool ResumeClient::wait_received(std::uint64_t count, std::chrono::milliseconds timeout) {
  return wait_for([&] { return tally().received >= count; }, timeout);
}

bool ResumeClient::disconnect_all(std::chrono::milliseconds timeout) {
  for (auto& id : impl_->ids) {
    if (id->ctx) id->ctx->TryCancel();
  }
  return wait_ended(timeout);
}

bool ResumeClient::disconnect(const std::vector<int>& which, std::chrono::milliseconds timeout) {
  const int keep = tally().live - static_cast<int>(which.size());
  for (int i : which) {
    auto& id = *impl_->ids[static_cast<std::size_t>(i)];
    if (id.ctx) id.ctx->TryCancel();
  }
  return wait_for([&] { return tally().live <= keep; }, timeout);
}

bool ResumeClient::wait_ended(std::chrono::milliseconds timeout) {
  return wait_for([&] { return tally().live <= 0; }, timeout);
}

std::uint64_t ResumeClient::missing(const std::map<std::string, std::uint64_t>& last_ids) const {
  const std::lock_guard lock(impl_->mutex);
  std::uint64_t owed = 0;
  for (const auto& id : impl_->ids) {
    const auto it = last_ids.find(id->room);
    if (it != last_ids.end() && it->second > id->last_id) owed += it->second - id->last_id;
  }
  return owed;
}

}  // namespace chatbench
