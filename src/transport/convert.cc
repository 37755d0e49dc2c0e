#include "transport/convert.h"

#include <optional>
#include <variant>

#include "model/overloaded.h"
#include "util/log.h"

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

void to_proto(const RoomInfo& r, v1::RoomInfo* out) {
  out->set_name(r.name);
  out->set_members(r.members);
  out->set_online(r.online);
  out->set_epoch(r.epoch);
  out->set_last_id(r.last_id);
}

RoomInfo from_proto(const v1::RoomInfo& r) {
  return RoomInfo{.name = r.name(),
                  .members = r.members(),
                  .online = r.online(),
                  .epoch = r.epoch(),
                  .last_id = r.last_id()};
}

ResumePosition from_proto(const v1::ResumePosition& resume) {
  ResumePosition out;
  out.rooms.reserve(static_cast<std::size_t>(resume.rooms_size()));
  for (const auto& r : resume.rooms()) {
    out.rooms.push_back(RoomPosition{.room = r.room(), .epoch = r.epoch(), .last_id = r.last_id()});
  }
  out.last_direct_id = resume.last_direct_id();
  return out;
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
  std::visit(model::Overloaded{
                 [out](const Welcome& e) {
                   auto* w = out->mutable_welcome();
                   w->set_session(e.session);
                   w->set_nickname(e.nickname);
                   to_proto(e.limits, w->mutable_limits());
                   w->set_server(e.server);
                   w->set_guest(e.guest);
                   for (const auto& room : e.rooms) to_proto(room, w->add_rooms());
                 },
                 [out](const RoomMessage& e) {
                   auto* m = out->mutable_room_message();
                   m->set_message_id(e.message_id);
                   m->set_room(e.room);
                   m->set_sender(e.sender);
                   m->set_text(e.text);
                   m->set_replay(e.replay);
                   m->set_client_msg_id(e.client_msg_id);
                   m->set_sent_unix_ms(e.sent_unix_ms);
                   m->set_room_epoch(e.room_epoch);
                   m->set_missed(e.missed);
                 },
                 [out](const DirectMessage& e) {
                   auto* m = out->mutable_direct_message();
                   m->set_message_id(e.message_id);
                   m->set_sender(e.sender);
                   m->set_recipient(e.recipient);
                   m->set_text(e.text);
                   m->set_client_msg_id(e.client_msg_id);
                   m->set_sent_unix_ms(e.sent_unix_ms);
                   m->set_missed(e.missed);
                 },
                 [out](const MemberJoined& e) {
                   auto* m = out->mutable_joined();
                   m->set_room(e.room);
                   m->set_nickname(e.nickname);
                   m->set_members(e.members);
                 },
                 [out](const MemberLeft& e) {
                   auto* m = out->mutable_left();
                   m->set_room(e.room);
                   m->set_nickname(e.nickname);
                   m->set_members(e.members);
                   m->set_reason(e.reason);
                 },
                 [out](const NickChanged& e) {
                   auto* m = out->mutable_nick_changed();
                   m->set_old_nickname(e.old_nickname);
                   m->set_new_nickname(e.new_nickname);
                   m->set_room(e.room);
                 },
                 [out](const FileNotice& e) {
                   to_proto(e.file, out->mutable_file()->mutable_file());
                 },
                 [out](const HistoryReplay& e) {
                   auto* m = out->mutable_history();
                   m->set_room(e.room);
                   m->set_count(e.count);
                 },
                 [out](const ShutdownNotice& e) {
                   out->mutable_shutdown()->set_reason(e.reason);
                   out->mutable_shutdown()->set_replaced(e.replaced);
                 },
                 [out](const CaughtUp& e) {
                   auto* m = out->mutable_caught_up();
                   m->set_room_messages(e.room_messages);
                   m->set_direct_messages(e.direct_messages);
                 },
                 [out](const HistoryGap& e) {
                   auto* m = out->mutable_gap();
                   m->set_room(e.room);
                   m->set_epoch(e.epoch);
                   m->set_first_id(e.first_id);
                 },
             },
             event.body);
}

namespace {
Welcome to_body(const v1::Welcome& w) {
  return Welcome{.session = w.session(),
                 .nickname = w.nickname(),
                 .limits = from_proto(w.limits()),
                 .server = w.server(),
                 .guest = w.guest(),
                 .rooms = [&] {
                   std::vector<RoomInfo> rooms;
                   for (const auto& r : w.rooms()) rooms.push_back(from_proto(r));
                   return rooms;
                 }()};
}

RoomMessage to_body(const v1::RoomMessage& m) {
  return RoomMessage{.message_id = m.message_id(),
                     .room = m.room(),
                     .sender = m.sender(),
                     .text = m.text(),
                     .replay = m.replay(),
                     .client_msg_id = m.client_msg_id(),
                     .sent_unix_ms = m.sent_unix_ms(),
                     .room_epoch = m.room_epoch(),
                     .missed = m.missed()};
}

DirectMessage to_body(const v1::DirectMessage& m) {
  return DirectMessage{.message_id = m.message_id(),
                       .sender = m.sender(),
                       .recipient = m.recipient(),
                       .text = m.text(),
                       .client_msg_id = m.client_msg_id(),
                       .sent_unix_ms = m.sent_unix_ms(),
                       .missed = m.missed()};
}

MemberJoined to_body(const v1::MemberJoined& m) {
  return MemberJoined{.room = m.room(), .nickname = m.nickname(), .members = m.members()};
}

MemberLeft to_body(const v1::MemberLeft& m) {
  return MemberLeft{
      .room = m.room(), .nickname = m.nickname(), .members = m.members(), .reason = m.reason()};
}

NickChanged to_body(const v1::NickChanged& m) {
  return NickChanged{
      .old_nickname = m.old_nickname(), .new_nickname = m.new_nickname(), .room = m.room()};
}

// The body of a known kind; nullopt for a kind this build does not know.
std::optional<EventBody> body_of(const v1::Event& in) {
  switch (in.kind_case()) {
    case v1::Event::kWelcome:
      return to_body(in.welcome());
    case v1::Event::kRoomMessage:
      return to_body(in.room_message());
    case v1::Event::kDirectMessage:
      return to_body(in.direct_message());
    case v1::Event::kJoined:
      return to_body(in.joined());
    case v1::Event::kLeft:
      return to_body(in.left());
    case v1::Event::kNickChanged:
      return to_body(in.nick_changed());
    case v1::Event::kFile:
      return FileNotice{.file = from_proto(in.file().file())};
    case v1::Event::kHistory:
      return HistoryReplay{.room = in.history().room(), .count = in.history().count()};
    case v1::Event::kShutdown:
      return ShutdownNotice{.reason = in.shutdown().reason(), .replaced = in.shutdown().replaced()};
    case v1::Event::kCaughtUp:
      return CaughtUp{.room_messages = in.caught_up().room_messages(),
                      .direct_messages = in.caught_up().direct_messages()};
    case v1::Event::kGap:
      return HistoryGap{
          .room = in.gap().room(), .epoch = in.gap().epoch(), .first_id = in.gap().first_id()};
    case v1::Event::KIND_NOT_SET:
      break;
  }
  return std::nullopt;
}
}  // namespace

std::optional<Event> from_proto(const v1::Event& in) {
  auto body = body_of(in);
  if (!body) {
    // A newer server's event kind: skipped, so that it is never mistaken for a shutdown.
    log::info("skipping event {} of a kind this client does not know", in.seq());
    return std::nullopt;
  }
  Event event;
  event.seq = in.seq();
  event.time_unix_ms = in.time_unix_ms();
  event.body = std::move(*body);
  return event;
}

grpc::Status to_grpc(const Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code), status.message);
}

Status from_grpc(const grpc::Status& status) {
  return Status(static_cast<Code>(status.error_code()), status.error_message());
}

}  // namespace chatcore::transport
