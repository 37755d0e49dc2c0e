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
  out->set_message_rate(l.message_rate);
  out->set_message_burst(l.message_burst);
}

v1::MessageKind to_proto(MessageKind kind) {
  return kind == MessageKind::action ? v1::MESSAGE_KIND_ACTION : v1::MESSAGE_KIND_NORMAL;
}

std::optional<MessageKind> from_proto(v1::MessageKind kind) {
  switch (kind) {
    case v1::MESSAGE_KIND_NORMAL:
      return MessageKind::normal;
    case v1::MESSAGE_KIND_ACTION:
      return MessageKind::action;
    default:
      return std::nullopt;
  }
}

v1::Presence to_proto(Presence presence) {
  switch (presence) {
    case Presence::away:
      return v1::PRESENCE_AWAY;
    case Presence::offline:
      return v1::PRESENCE_OFFLINE;
    case Presence::online:
      break;
  }
  return v1::PRESENCE_ONLINE;
}

Presence from_proto(v1::Presence presence) {
  switch (presence) {
    case v1::PRESENCE_AWAY:
      return Presence::away;
    case v1::PRESENCE_OFFLINE:
      return Presence::offline;
    default:
      return Presence::online;
  }
}

void to_proto(const UserInfo& u, v1::UserInfo* out) {
  out->set_nickname(u.nickname);
  out->set_room(u.room);
  out->set_online(u.online);
  out->set_guest(u.guest);
  for (const auto& room : u.rooms) out->add_rooms(room);
  out->set_presence(to_proto(u.presence));
  out->set_away_message(u.away_message);
  out->set_last_seen_unix_ms(u.last_seen_unix_ms);
  out->set_server_operator(u.server_operator);
  out->set_room_operator(u.room_operator);
}

UserInfo from_proto(const v1::UserInfo& u) {
  return UserInfo{.nickname = u.nickname(),
                  .room = u.room(),
                  .online = u.online(),
                  .guest = u.guest(),
                  .rooms = {u.rooms().begin(), u.rooms().end()},
                  .presence = from_proto(u.presence()),
                  .away_message = u.away_message(),
                  .last_seen_unix_ms = u.last_seen_unix_ms(),
                  .server_operator = u.server_operator(),
                  .room_operator = u.room_operator()};
}

void to_proto(const RoomInfo& r, v1::RoomInfo* out) {
  out->set_name(r.name);
  out->set_members(r.members);
  out->set_online(r.online);
  out->set_epoch(r.epoch);
  out->set_last_id(r.last_id);
  out->set_topic(r.topic);
  out->set_topic_by(r.topic_by);
  out->set_topic_unix_ms(r.topic_unix_ms);
}

RoomInfo from_proto(const v1::RoomInfo& r) {
  return RoomInfo{.name = r.name(),
                  .members = r.members(),
                  .online = r.online(),
                  .epoch = r.epoch(),
                  .last_id = r.last_id(),
                  .topic = r.topic(),
                  .topic_by = r.topic_by(),
                  .topic_unix_ms = r.topic_unix_ms()};
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
                .history = l.history(),
                .message_rate = l.message_rate(),
                .message_burst = l.message_burst()};
}

namespace {
void notice_to_proto(const NoticeBody& notice, v1::Event* out) {
  std::visit(model::Overloaded{
                 [out](const TopicChanged& e) {
                   auto* m = out->mutable_topic();
                   m->set_room(e.room);
                   m->set_topic(e.topic);
                   m->set_by(e.by);
                 },
                 [out](const PresenceChanged& e) {
                   auto* m = out->mutable_presence();
                   m->set_nickname(e.nickname);
                   m->set_presence(to_proto(e.presence));
                   m->set_away_message(e.away_message);
                 },
                 [out](const AwayNotice& e) {
                   auto* m = out->mutable_away();
                   m->set_nickname(e.nickname);
                   m->set_away_message(e.away_message);
                 },
             },
             notice);
}
}  // namespace

void to_proto(const Event& event, std::uint64_t seq, v1::Event* out) {
  out->set_seq(seq);
  out->set_time_unix_ms(event.time_unix_ms);
  if (event.notice) return notice_to_proto(*event.notice, out);
  if (event.moderation) return to_proto(*event.moderation, out->mutable_moderated());
  std::visit(model::Overloaded{
                 [out](const Welcome& e) {
                   auto* w = out->mutable_welcome();
                   w->set_session(e.session);
                   w->set_nickname(e.nickname);
                   to_proto(e.limits, w->mutable_limits());
                   w->set_server(e.server);
                   w->set_guest(e.guest);
                   for (const auto& room : e.rooms) to_proto(room, w->add_rooms());
                   w->set_fingerprint(e.fingerprint);
                   w->set_motd(e.motd);
                   w->set_server_operator(e.server_operator);
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
                   m->set_kind(to_proto(e.kind));
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
                   m->set_kind(to_proto(e.kind));
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
                 }(),
                 .fingerprint = w.fingerprint(),
                 .motd = w.motd(),
                 .server_operator = w.server_operator()};
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
                     .missed = m.missed(),
                     .kind = from_proto(m.kind()).value_or(MessageKind::normal)};
}

DirectMessage to_body(const v1::DirectMessage& m) {
  return DirectMessage{.message_id = m.message_id(),
                       .sender = m.sender(),
                       .recipient = m.recipient(),
                       .text = m.text(),
                       .client_msg_id = m.client_msg_id(),
                       .sent_unix_ms = m.sent_unix_ms(),
                       .missed = m.missed(),
                       .kind = from_proto(m.kind()).value_or(MessageKind::normal)};
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

// The notice of a notice kind; nullopt for every other kind.
std::optional<NoticeBody> notice_of(const v1::Event& in) {
  switch (in.kind_case()) {
    case v1::Event::kTopic:
      return TopicChanged{.room = in.topic().room(), .topic = in.topic().topic(),
                          .by = in.topic().by()};
    case v1::Event::kPresence:
      return PresenceChanged{.nickname = in.presence().nickname(),
                             .presence = from_proto(in.presence().presence()),
                             .away_message = in.presence().away_message()};
    case v1::Event::kAway:
      return AwayNotice{.nickname = in.away().nickname(),
                        .away_message = in.away().away_message()};
    default:
      return std::nullopt;
  }
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
    case v1::Event::kTopic:
    case v1::Event::kPresence:
    case v1::Event::kAway:
    case v1::Event::kModerated:
    case v1::Event::KIND_NOT_SET:
      break;
  }
  return std::nullopt;
}
}  // namespace

std::optional<Event> from_proto(const v1::Event& in) {
  if (auto notice = notice_of(in)) {
    Event event;
    event.seq = in.seq();
    event.time_unix_ms = in.time_unix_ms();
    event.notice = std::move(*notice);
    return event;
  }
  if (in.kind_case() == v1::Event::kModerated) {
    auto moderated = from_proto(in.moderated());
    if (!moderated) {
      log::info("skipping event {}: a moderation action this client does not know", in.seq());
      return std::nullopt;
    }
    Event event;
    event.seq = in.seq();
    event.time_unix_ms = in.time_unix_ms();
    event.moderation = std::move(*moderated);
    return event;
  }
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
