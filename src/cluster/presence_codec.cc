#include "cluster/presence_codec.h"

#include "cluster.pb.h"

namespace chatcore::cluster {

namespace {

void put(PresenceSession& to, const model::PresenceRecord& from) {
  to.set_session(from.session);
  to.set_nickname(from.nickname);
  to.set_identity(from.identity);
  to.set_away(from.away.has_value());
  if (from.away) to.set_away_message(*from.away);
  for (const auto& room : from.rooms) to.add_rooms(room);
}

model::PresenceRecord get(const PresenceSession& from) {
  model::PresenceRecord to{.session = from.session(), .nickname = from.nickname(),
                           .identity = from.identity(), .away = {},
                           .rooms = {from.rooms().begin(), from.rooms().end()}};
  if (from.away()) to.away = from.away_message();
  return to;
}

}  // namespace

std::string encode(const PresenceUpdate& update) {
  PresenceMessage out;
  out.set_node(update.node);
  out.set_incarnation(update.incarnation);
  out.set_seq(update.seq);
  switch (update.kind) {
    case PresenceUpdate::Kind::session:
      put(*out.mutable_session(), update.session);
      break;
    case PresenceUpdate::Kind::ended:
      out.mutable_ended()->set_session(update.ended);
      out.mutable_ended()->set_reason(update.reason);
      break;
    case PresenceUpdate::Kind::heartbeat:
      out.set_heartbeat(true);
      break;
    case PresenceUpdate::Kind::goodbye:
      out.set_goodbye(true);
      break;
    case PresenceUpdate::Kind::snapshot:
      for (const auto& r : update.snapshot) put(*out.mutable_snapshot()->add_sessions(), r);
      // An empty snapshot must still say it is one.
      out.mutable_snapshot();
      break;
  }
  return out.SerializeAsString();
}

Result<PresenceUpdate> decode_presence(std::string_view bytes) {
  PresenceMessage in;
  if (!in.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status(Code::invalid_argument, "not a presence update");
  }
  PresenceUpdate out{.node = in.node(), .incarnation = in.incarnation(), .seq = in.seq()};
  switch (in.body_case()) {
    case PresenceMessage::kSession:
      out.kind = PresenceUpdate::Kind::session;
      out.session = get(in.session());
      break;
    case PresenceMessage::kEnded:
      out.kind = PresenceUpdate::Kind::ended;
      out.ended = in.ended().session();
      out.reason = in.ended().reason();
      break;
    case PresenceMessage::kHeartbeat:
      out.kind = PresenceUpdate::Kind::heartbeat;
      break;
    case PresenceMessage::kGoodbye:
      out.kind = PresenceUpdate::Kind::goodbye;
      break;
    case PresenceMessage::kSnapshot:
      out.kind = PresenceUpdate::Kind::snapshot;
      for (const auto& s : in.snapshot().sessions()) out.snapshot.push_back(get(s));
      break;
    default:
      return Status(Code::invalid_argument, "a presence update of an unknown kind");
  }
  if (out.node.empty()) return Status(Code::invalid_argument, "a presence update names no node");
  return out;
}

}  // namespace chatcore::cluster
