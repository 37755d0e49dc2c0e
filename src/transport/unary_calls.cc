// The CallData of every unary RPC. Each RPC is one instantiation of UnaryCall with its own
// traits (request method and handler); a unary call has one operation outstanding at a time
// (the request, then the finish) and needs no done tag.
#include <algorithm>

#include "transport/call_base.h"
#include "transport/convert.h"
#include "transport/partial_uploads.h"
#include "transport/raw_message.h"
#include "util/escape.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {

using Service = ChatAsyncService;

template <class Traits>
class UnaryCall final : public CallBase {
 public:
  using Request = typename Traits::Request;
  using Response = typename Traits::Response;

  explicit UnaryCall(ServiceContext& ctx) : CallBase(ctx, Traits::kName, false), responder_(&server_ctx_) {
    (ctx_.service.*Traits::kRequest)(&server_ctx_, &raw_request_, &responder_, ctx_.cq.get(),
                                     ctx_.cq.get(), request_tag());
  }

 private:
  bool on_started() override {
    if constexpr (is_message) arrived_ = std::chrono::steady_clock::now();
    auto id = admit();
    if (!id.ok()) return respond(id.status(), Response());
    // An operation that writes answers only once the store has committed it: the hub calls
    // back (at once for a refusal) and the answer goes out from there.
    if constexpr (requires { &Traits::start; }) {
      Traits::start(ctx_.hub, *id, request_,
                    model::Reply<Response>(later([this, sid = *id](Result<Response> r) {
                      return respond(note(sid, r.status()), *r);
                    })));
      return true;
    } else {
      Response response;
      Status status;
      if constexpr (requires { Traits::kNeedsContext; }) {
        status = Traits::handle(ctx_, *id, request_, response);
      } else {
        status = Traits::handle(ctx_.hub, *id, request_, response);
      }
      return respond(note(*id, status), response);
    }
  }

  void rearm() override { new UnaryCall(ctx_); }

  bool on_finish(bool /*ok*/) { return false; }

  bool respond(const Status& status, const Response& response) {
    if (status.ok()) {
      responder_.Finish(to_buffer(response), grpc::Status::OK, finish_op_.arm());
    } else {
      responder_.FinishWithError(to_grpc(status), finish_op_.arm());
    }
    return true;
  }

  // The request parsed and its session allowed to make it.
  Result<model::SessionId> admit() {
    if (auto parsed = parse_message(raw_request_, request_); !parsed.ok()) {
      ctx_.metrics.refused(parsed.code);
      log::debug("{} from {} refused: {}", Traits::kName, peer(), parsed.message);
      return parsed;
    }
    return authorize(request_.session(), is_message);
  }

  // Counts the outcome.
  const Status& note(model::SessionId id, const Status& status) {
    if constexpr (is_message) {
      if (status.ok()) {
        (std::string_view(Traits::kName) == "SendDirect" ? ctx_.metrics.direct_messages
                                                         : ctx_.metrics.room_messages).add();
        // Fanned out in this turn (the answer follows the commit's fan-out): timed at its flush.
        ctx_.sent_this_turn.push_back(arrived_);
      }
    }
    if (!status.ok()) {
      ctx_.metrics.refused(status.code);
      log::debug("{} by {} refused: {}", Traits::kName, ctx_.hub.nickname(id), status.message);
    }
    return status;
  }

  static constexpr bool is_message = requires { Traits::kIsMessage; };

  grpc::ByteBuffer raw_request_;
  Request request_;
  std::chrono::steady_clock::time_point arrived_{};
  grpc::ServerAsyncResponseWriter<grpc::ByteBuffer> responder_;
  Op<UnaryCall, &UnaryCall::on_finish> finish_op_{this};
};

template <class T>
Status copy_room(const Result<RoomInfo>& r, T& response) {
  if (!r.ok()) return r.status();
  response.set_room(r->name);
  response.set_members(r->members);
  response.set_online(r->online);
  response.set_epoch(r->epoch);
  response.set_last_id(r->last_id);
  response.set_topic(r->topic);
  response.set_topic_by(r->topic_by);
  response.set_topic_unix_ms(r->topic_unix_ms);
  return {};
}

// A hub answer that is a room, as the RoomResponse a call replies with.
model::Reply<RoomInfo> room_reply(model::Reply<v1::RoomResponse> reply) {
  return [reply = std::move(reply)](Result<RoomInfo> r) {
    v1::RoomResponse out;
    const Status status = copy_room(r, out);
    reply(status.ok() ? Result<v1::RoomResponse>(std::move(out)) : Result<v1::RoomResponse>(status));
  };
}

// The kind of a message to send; INVALID_ARGUMENT for one this server does not know.
Result<MessageKind> kind_of(v1::MessageKind kind) {
  if (auto known = from_proto(kind)) return *known;
  return Status{Code::invalid_argument,
                fmt::format("unknown message kind {}", static_cast<int>(kind))};
}

// A page of History: the server never sends more than this many messages at once.
constexpr std::uint32_t kHistoryPage = 100;

struct ListRooms {
  using Request = v1::ListRoomsRequest;
  using Response = v1::ListRoomsResponse;
  static constexpr auto kRequest = &Service::RequestListRooms;
  static constexpr const char* kName = "ListRooms";
  static Status handle(model::ChatHub& hub, model::SessionId, const Request&, Response& out) {
    for (const auto& room : hub.list_rooms()) to_proto(room, out.add_rooms());
    return {};
  }
};

struct CreateRoom {
  using Request = v1::CreateRoomRequest;
  using Response = v1::RoomResponse;
  static constexpr auto kRequest = &Service::RequestCreateRoom;
  static constexpr const char* kName = "CreateRoom";
  static void start(model::ChatHub& hub, model::SessionId id, const Request& in,
                    model::Reply<Response> reply) {
    hub.create_room(id, in.name(), [&hub, id, reply = room_reply(std::move(reply))](Result<RoomInfo> r) {
      if (r.ok()) log::info("user {} created room {}", hub.nickname(id), r->name);
      reply(std::move(r));
    });
  }
};

struct JoinRoom {
  using Request = v1::JoinRoomRequest;
  using Response = v1::RoomResponse;
  static constexpr auto kRequest = &Service::RequestJoinRoom;
  static constexpr const char* kName = "JoinRoom";
  static void start(model::ChatHub& hub, model::SessionId id, const Request& in,
                    model::Reply<Response> reply) {
    hub.join_room(id, in.name(), room_reply(std::move(reply)));
  }
};

struct LeaveRoom {
  using Request = v1::LeaveRoomRequest;
  using Response = v1::RoomResponse;
  static constexpr auto kRequest = &Service::RequestLeaveRoom;
  static constexpr const char* kName = "LeaveRoom";
  static Status handle(model::ChatHub& hub, model::SessionId id, const Request& in, Response& out) {
    auto r = hub.leave_room(id, in.room());
    if (!r.ok()) return r.status();
    // The response names no room: the user is not in it any more.
    r->name.clear();
    return copy_room(r, out);
  }
};

// The acknowledgement of a committed message: its id.
model::Reply<std::uint64_t> answer_sent(model::Reply<v1::SendResponse> reply) {
  return [reply = std::move(reply)](Result<std::uint64_t> id) {
    if (!id.ok()) return reply(id.status());
    v1::SendResponse out;
    out.set_message_id(*id);
    reply(std::move(out));
  };
}

struct SendMessage {
  using Request = v1::SendMessageRequest;
  using Response = v1::SendResponse;
  static constexpr auto kRequest = &Service::RequestSendMessage;
  static constexpr const char* kName = "SendMessage";
  static constexpr bool kIsMessage = true;  // counted against the message rate
  static void start(model::ChatHub& hub, model::SessionId id, const Request& in,
                    model::Reply<Response> reply) {
    auto kind = kind_of(in.kind());
    if (!kind.ok()) return reply(kind.status());
    hub.send_room(id, in.room(), in.text(), in.client_msg_id(), answer_sent(std::move(reply)),
                  *kind);
  }
};

struct SendDirect {
  using Request = v1::SendDirectRequest;
  using Response = v1::SendResponse;
  static constexpr auto kRequest = &Service::RequestSendDirect;
  static constexpr const char* kName = "SendDirect";
  static constexpr bool kIsMessage = true;  // counted against the message rate
  static void start(model::ChatHub& hub, model::SessionId id, const Request& in,
                    model::Reply<Response> reply) {
    auto kind = kind_of(in.kind());
    if (!kind.ok()) return reply(kind.status());
    hub.send_direct(id, in.recipient(), in.text(), in.client_msg_id(),
                    answer_sent(std::move(reply)), *kind);
  }
};

struct ChangeNick {
  using Request = v1::ChangeNickRequest;
  using Response = v1::ChangeNickResponse;
  static constexpr auto kRequest = &Service::RequestChangeNick;
  static constexpr const char* kName = "ChangeNick";
  static Status handle(model::ChatHub& hub, model::SessionId id, const Request& in, Response& out) {
    const std::string old = hub.nickname(id);
    auto r = hub.change_nick(id, in.nickname());
    if (!r.ok()) return r.status();
    log::info("user {} is now {}", old, *r);
    out.set_nickname(*r);
    return {};
  }
};

struct ListUsers {
  using Request = v1::ListUsersRequest;
  using Response = v1::ListUsersResponse;
  static constexpr auto kRequest = &Service::RequestListUsers;
  static constexpr const char* kName = "ListUsers";
  static Status handle(model::ChatHub& hub, model::SessionId, const Request& in, Response& out) {
    auto users = hub.list_users(in.room());
    if (!users.ok()) return users.status();
    for (const auto& user : *users) to_proto(user, out.add_users());
    return {};
  }
};

struct History {
  using Request = v1::HistoryRequest;
  using Response = v1::HistoryResponse;
  static constexpr auto kRequest = &Service::RequestHistory;
  static constexpr const char* kName = "History";
  static void start(model::ChatHub& hub, model::SessionId id, const Request& in,
                    model::Reply<Response> reply) {
    const std::uint32_t limit =
        in.limit() == 0 || in.limit() > kHistoryPage ? kHistoryPage : in.limit();
    hub.history(id, in.room(), in.before_id(), limit,
                [reply = std::move(reply)](Result<model::ChatHub::HistoryPage> page) {
                  if (!page.ok()) return reply(page.status());
                  Response out;
                  for (const auto& m : page->messages) {
                    v1::Event wire;
                    to_proto(Event{.seq = 0, .time_unix_ms = m.sent_unix_ms, .body = m}, 0, &wire);
                    out.add_messages()->Swap(wire.mutable_room_message());
                  }
                  out.set_epoch(page->epoch);
                  out.set_more(page->more);
                  reply(std::move(out));
                });
  }
};

struct ListFiles {
  using Request = v1::ListFilesRequest;
  using Response = v1::ListFilesResponse;
  static constexpr auto kRequest = &Service::RequestListFiles;
  static constexpr const char* kName = "ListFiles";
  static Status handle(model::ChatHub& hub, model::SessionId id, const Request&, Response& out) {
    for (const auto& file : hub.list_files(id)) to_proto(file, out.add_files());
    return {};
  }
};

// How much of an interrupted resumable upload the server holds.
struct UploadStatus {
  using Request = v1::UploadStatusRequest;
  using Response = v1::UploadStatusResponse;
  static constexpr auto kRequest = &Service::RequestUploadStatus;
  static constexpr const char* kName = "UploadStatus";
  static constexpr bool kNeedsContext = true;  // reads the resumable uploads
  static Status handle(ServiceContext& ctx, model::SessionId id, const Request& in, Response& out) {
    if (auto key = ResumableUploads::check_key(in.upload_key()); !key.ok()) return key;
    expire_resumable(ctx);
    const ResumableUpload* held = ctx.resumable.find(in.upload_key(), resumable_owner(ctx, id));
    if (held == nullptr) return {};
    if (held->running) {
      // Its bytes are still moving (or the server has not yet seen its client go away).
      return {Code::failed_precondition,
              "that upload is still running on the server; try again once it has ended"};
    }
    out.set_offset(held->received);
    out.set_size(held->size);
    if (in.discard()) {
      log::info("upload by {} of {} given up at {} of {} bytes; removed", ctx.hub.nickname(id),
                util::escape(held->name), held->received, held->size);
      forget_resumable(ctx, in.upload_key());
    }
    return {};
  }
};

// Any member may set the topic; it is answered once committed, like a message.
struct SetTopic {
  using Request = v1::SetTopicRequest;
  using Response = v1::RoomResponse;
  static constexpr auto kRequest = &Service::RequestSetTopic;
  static constexpr const char* kName = "SetTopic";
  static void start(model::ChatHub& hub, model::SessionId id, const Request& in,
                    model::Reply<Response> reply) {
    hub.set_topic(id, in.room(), in.topic(), room_reply(std::move(reply)));
  }
};

struct SetAway {
  using Request = v1::SetAwayRequest;
  using Response = v1::SetAwayResponse;
  static constexpr auto kRequest = &Service::RequestSetAway;
  static constexpr const char* kName = "SetAway";
  static Status handle(model::ChatHub& hub, model::SessionId id, const Request& in, Response& out) {
    auto away = hub.set_away(id, in.message());
    if (!away.ok()) return away.status();
    out.set_away(*away);
    return {};
  }
};

struct Whois {
  using Request = v1::WhoisRequest;
  using Response = v1::WhoisResponse;
  static constexpr auto kRequest = &Service::RequestWhois;
  static constexpr const char* kName = "Whois";
  static Status handle(model::ChatHub& hub, model::SessionId id, const Request& in, Response& out) {
    auto user = hub.whois(id, in.nickname());
    if (!user.ok()) return user.status();
    to_proto(*user, out.mutable_user());
    return {};
  }
};

// Operators' actions; answered once a ban or mute is committed.
struct Moderate {
  using Request = v1::ModerateRequest;
  using Response = v1::ModerateResponse;
  static constexpr auto kRequest = &Service::RequestModerate;
  static constexpr const char* kName = "Moderate";
  static void start(model::ChatHub& hub, model::SessionId id, const Request& in,
                    model::Reply<Response> reply) {
    auto action = from_proto(in.action());
    if (!action) {
      return reply(Status{Code::invalid_argument,
                          fmt::format("unknown moderation action {}", static_cast<int>(in.action()))});
    }
    hub.moderate(id,
                 model::ModerationRequest{.action = *action, .nickname = in.nickname(),
                                          .room = in.room(), .duration_s = in.duration_s(),
                                          .reason = in.reason()},
                 [reply = std::move(reply)](Result<std::int64_t> r) {
                   if (!r.ok()) return reply(r.status());
                   Response out;
                   out.set_until_unix_ms(*r);
                   reply(std::move(out));
                 });
  }
};

}  // namespace

void arm_unary_calls(ServiceContext& ctx) {
  new UnaryCall<ListRooms>(ctx);
  new UnaryCall<CreateRoom>(ctx);
  new UnaryCall<JoinRoom>(ctx);
  new UnaryCall<LeaveRoom>(ctx);
  new UnaryCall<SendMessage>(ctx);
  new UnaryCall<SendDirect>(ctx);
  new UnaryCall<ChangeNick>(ctx);
  new UnaryCall<ListUsers>(ctx);
  new UnaryCall<ListFiles>(ctx);
  new UnaryCall<History>(ctx);
  new UnaryCall<UploadStatus>(ctx);
  new UnaryCall<SetTopic>(ctx);
  new UnaryCall<SetAway>(ctx);
  new UnaryCall<Whois>(ctx);
  new UnaryCall<Moderate>(ctx);
}

}  // namespace chatcore::transport
