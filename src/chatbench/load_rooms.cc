// LoadClient's room calls, on the caller's thread: joining sessions to rooms (creating them
// or not) and asking a room's size, each answered on the session's shard thread.
#include <cstdio>
#include <map>

#include "chatbench/load_client.h"
#include "chatbench/load_internal.h"

namespace chatbench {

bool LoadClient::join(const std::vector<std::string>& room_of, std::chrono::milliseconds timeout,
                      bool create) {
  struct Progress {
    std::atomic<int> done{0};
    std::atomic<int> failed{0};
  };
  auto progress = std::make_shared<Progress>();
  std::map<std::string, std::vector<Session*>> rooms;
  int total = 0;
  for (std::size_t i = 0; i < room_of.size() && i < sessions_.size(); ++i) {
    if (room_of[i].empty()) continue;
    sessions_[i]->room = room_of[i];
    rooms[room_of[i]].push_back(sessions_[i].get());
    ++total;
  }
  const auto call_room = [progress](Session* s, bool create, std::function<void()> next) {
    auto* call = new UnaryCall<v1::RoomResponse>;
    call->then = [progress, next = std::move(next)](UnaryCall<v1::RoomResponse>& c) {
      if (!c.status.ok()) {
        std::fprintf(stderr, "chatbench: join refused: %s\n", c.status.error_message().c_str());
        progress->failed.fetch_add(1);
      }
      progress->done.fetch_add(1);
      if (next) next();
    };
    if (create) {
      v1::CreateRoomRequest r;
      r.set_session(s->token);
      r.set_name(s->room);
      call->rpc = s->stub.PrepareAsyncCreateRoom(&call->ctx, r, &s->shard.cq);
    } else {
      v1::JoinRoomRequest r;
      r.set_session(s->token);
      r.set_name(s->room);
      call->rpc = s->stub.PrepareAsyncJoinRoom(&call->ctx, r, &s->shard.cq);
    }
    call->rpc->StartCall();
    call->rpc->Finish(&call->response, &call->status, call);
  };
  for (auto& [name, members] : rooms) {
    if (!create) {
      for (Session* s : members) call_room(s, false, {});
      continue;
    }
    auto rest = std::make_shared<std::vector<Session*>>(members.begin() + 1, members.end());
    call_room(members.front(), true, [rest, call_room] {
      for (Session* s : *rest) call_room(s, false, {});
    });
  }
  const bool all = wait_for([&] { return progress->done.load() >= total; }, timeout);
  return all && progress->failed.load() == 0;
}


int LoadClient::room_size(int asker, const std::string& room, std::chrono::milliseconds timeout) {
  auto result = std::make_shared<std::atomic<int>>(-2);
  Session* s = sessions_[static_cast<std::size_t>(asker)].get();
  s->shard.post([s, room, result] {
    auto* call = new UnaryCall<v1::ListUsersResponse>;
    call->then = [result](UnaryCall<v1::ListUsersResponse>& c) {
      result->store(c.status.ok() ? c.response.users_size() : -1);
    };
    v1::ListUsersRequest r;
    r.set_session(s->token);
    r.set_room(room);
    call->rpc = s->stub.PrepareAsyncListUsers(&call->ctx, r, &s->shard.cq);
    call->rpc->StartCall();
    call->rpc->Finish(&call->response, &call->status, call);
  });
  wait_for([&] { return result->load() != -2; }, timeout);
  const int n = result->load();
  return n < 0 ? -1 : n;
}


}  // namespace chatbench
