// Conversion of the moderation actions and their event between chatcore and chatcore.v1.
#include "transport/convert.h"

namespace chatcore::transport {

v1::ModerationAction to_proto(ModerationAction action) {
  switch (action) {
    case ModerationAction::kick:
      return v1::MODERATION_ACTION_KICK;
    case ModerationAction::ban:
      return v1::MODERATION_ACTION_BAN;
    case ModerationAction::unban:
      return v1::MODERATION_ACTION_UNBAN;
    case ModerationAction::mute:
      return v1::MODERATION_ACTION_MUTE;
    case ModerationAction::unmute:
      return v1::MODERATION_ACTION_UNMUTE;
    case ModerationAction::motd:
      return v1::MODERATION_ACTION_MOTD;
    case ModerationAction::topic_lock:
      return v1::MODERATION_ACTION_TOPIC_LOCK;
    case ModerationAction::topic_unlock:
      return v1::MODERATION_ACTION_TOPIC_UNLOCK;
  }
  return v1::MODERATION_ACTION_UNSPECIFIED;
}

std::optional<ModerationAction> from_proto(v1::ModerationAction action) {
  switch (action) {
    case v1::MODERATION_ACTION_KICK:
      return ModerationAction::kick;
    case v1::MODERATION_ACTION_BAN:
      return ModerationAction::ban;
    case v1::MODERATION_ACTION_UNBAN:
      return ModerationAction::unban;
    case v1::MODERATION_ACTION_MUTE:
      return ModerationAction::mute;
    case v1::MODERATION_ACTION_UNMUTE:
      return ModerationAction::unmute;
    case v1::MODERATION_ACTION_MOTD:
      return ModerationAction::motd;
    case v1::MODERATION_ACTION_TOPIC_LOCK:
      return ModerationAction::topic_lock;
    case v1::MODERATION_ACTION_TOPIC_UNLOCK:
      return ModerationAction::topic_unlock;
    default:
      return std::nullopt;
  }
}

void to_proto(const Moderated& m, v1::Moderated* out) {
  out->set_action(to_proto(m.action));
  out->set_room(m.room);
  out->set_nickname(m.nickname);
  out->set_by(m.by);
  out->set_reason(m.reason);
  out->set_until_unix_ms(m.until_unix_ms);
}

std::optional<Moderated> from_proto(const v1::Moderated& m) {
  auto action = from_proto(m.action());
  if (!action) return std::nullopt;
  return Moderated{.action = *action,
                   .room = m.room(),
                   .nickname = m.nickname(),
                   .by = m.by(),
                   .reason = m.reason(),
                   .until_unix_ms = m.until_unix_ms()};
}

}  // namespace chatcore::transport
