#include "transport/convert.h"

#include <type_traits>
#include <variant>

namespace chatcore::transport {

void to_proto(const FileInfo& f, v1::FileInfo* out) {
  out->set_id(f.id);
  out->set_name(f.name);
  out->set_size(f.size);
  out->set_sender(f.sender);
  out->set_sha256(f.sha256);
  out->set_room(f.room);
  out->set_recipient(f.recipient);
  out->set_sent_unix_ms(f.sent_unix_ms);
}

FileInfo from_proto(const v1::FileInfo& f) {
  return FileInfo{.id = f.id(),
                  .name = f.name(),
                  .size = f.size(),
                  .sender = f.sender(),
                  .sha256 = f.sha256(),
                  .room = f.room(),
                  .recipient = f.recipient(),
                  .sent_unix_ms = f.sent_unix_ms()};
}

void to_proto(const Limits& l, v1::ServerLimits* out) {
  out->set_max_file_size(l.max_file_size);
  out->set_chunk_size(l.chunk_size);
  out->set_max_message_bytes(l.max_message_bytes);
  out->set_history(l.history);
}

Limits from_proto(const v1::ServerLimits& l) {
  return Limits{.max_file_size = l.max_file_size(),
                .chunk_size = l.chunk_size(),
                .max_message_bytes = l.max_message_bytes(),
                .history = l.history()};
}

void to_proto(const Event& event, std::uint64_t seq, v1::Event* out) {
  out->set_seq(seq);
  out->set_time_unix_ms(event.time_unix_ms);
  std::visit(
      [out](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Welcome>) {
          auto* w = out->mutable_welcome();
          w->set_session(e.session);
          w->set_nickname(e.nickname);
          to_proto(e.limits, w->mutable_limits());
          w->set_server(e.server);
        } else if constexpr (std::is_same_v<T, RoomMessage>) {
          auto* m = out->mutable_room_message();
          m->set_message_id(e.message_id);
          m->set_room(e.room);
          m->set_sender(e.sender);
          m->set_text(e.text);
          m->set_replay(e.replay);
          m->set_client_msg_id(e.client_msg_id);
          m->set_sent_unix_ms(e.sent_unix_ms);
        } else if constexpr (std::is_same_v<T, DirectMessage>) {
          auto* m = out->mutable_direct_message();
          m->set_message_id(e.message_id);
          m->set_sender(e.sender);
          m->set_recipient(e.recipient);
          m->set_text(e.text);
          m->set_client_msg_id(e.client_msg_id);
        } else if constexpr (std::is_same_v<T, MemberJoined>) {
          auto* m = out->mutable_joined();
          m->set_room(e.room);
          m->set_nickname(e.nickname);
          m->set_members(e.members);
        } else if constexpr (std::is_same_v<T, MemberLeft>) {
          auto* m = out->mutable_left();
          m->set_room(e.room);
          m->set_nickname(e.nickname);
          m->set_members(e.members);
          m->set_reason(e.reason);
        } else if constexpr (std::is_same_v<T, NickChanged>) {
          auto* m = out->mutable_nick_changed();
          m->set_old_nickname(e.old_nickname);
          m->set_new_nickname(e.new_nickname);
          m->set_room(e.room);
        } else if constexpr (std::is_same_v<T, FileNotice>) {
          to_proto(e.file, out->mutable_file()->mutable_file());
        } else if constexpr (std::is_same_v<T, HistoryReplay>) {
          auto* m = out->mutable_history();
          m->set_room(e.room);
          m->set_count(e.count);
        } else {
          out->mutable_shutdown()->set_reason(e.reason);
        }
      },
      event.body);
}

Event from_proto(const v1::Event& in) {
  Event event;
  event.seq = in.seq();
  event.time_unix_ms = in.time_unix_ms();
  switch (in.kind_case()) {
    case v1::Event::kWelcome: {
      const auto& w = in.welcome();
      event.body = Welcome{.session = w.session(),
                           .nickname = w.nickname(),
                           .limits = from_proto(w.limits()),
                           .server = w.server()};
      break;
    }
    case v1::Event::kRoomMessage: {
      const auto& m = in.room_message();
      event.body = RoomMessage{.message_id = m.message_id(),
                               .room = m.room(),
                               .sender = m.sender(),
                               .text = m.text(),
                               .replay = m.replay(),
                               .client_msg_id = m.client_msg_id(),
                               .sent_unix_ms = m.sent_unix_ms()};
      break;
    }
    case v1::Event::kDirectMessage: {
      const auto& m = in.direct_message();
      event.body = DirectMessage{.message_id = m.message_id(),
                                 .sender = m.sender(),
                                 .recipient = m.recipient(),
                                 .text = m.text(),
                                 .client_msg_id = m.client_msg_id()};
      break;
    }
    case v1::Event::kJoined:
      event.body = MemberJoined{.room = in.joined().room(),
                                .nickname = in.joined().nickname(),
                                .members = in.joined().members()};
      break;
    case v1::Event::kLeft:
      event.body = MemberLeft{.room = in.left().room(),
                              .nickname = in.left().nickname(),
                              .members = in.left().members(),
                              .reason = in.left().reason()};
      break;
    case v1::Event::kNickChanged:
      event.body = NickChanged{.old_nickname = in.nick_changed().old_nickname(),
                               .new_nickname = in.nick_changed().new_nickname(),
                               .room = in.nick_changed().room()};
      break;
    case v1::Event::kFile:
      event.body = FileNotice{.file = from_proto(in.file().file())};
      break;
    case v1::Event::kHistory:
      event.body = HistoryReplay{.room = in.history().room(), .count = in.history().count()};
      break;
    case v1::Event::kShutdown:
    case v1::Event::KIND_NOT_SET:
      event.body = ShutdownNotice{.reason = in.shutdown().reason()};
      break;
  }
  return event;
}

grpc::Status to_grpc(const Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code), status.message);
}

Status from_grpc(const grpc::Status& status) {
  return Status(static_cast<Code>(status.error_code()), status.error_message());
}

}  // namespace chatcore::transport
