// chatcore::Client's moderation calls: one Moderate RPC behind a method per action.
#include <chatcore/client.h>

#include "client/client_impl.h"
#include "transport/convert.h"

namespace chatcore {

Result<std::int64_t> Client::moderate(ModerationAction action, const std::string& nickname,
                                      const std::string& room, std::chrono::seconds duration,
                                      const std::string& reason) {
  if (duration.count() < 0) return Status(Code::invalid_argument, "a negative duration");
  return impl_->call(&v1::Chat::Stub::Moderate,
                     [&](v1::ModerateRequest& r) {
                       r.set_action(transport::to_proto(action));
                       r.set_nickname(nickname);
                       r.set_room(room);
                       r.set_duration_s(static_cast<std::uint64_t>(duration.count()));
                       r.set_reason(reason);
                     },
                     [](const v1::ModerateResponse& r) { return r.until_unix_ms(); });
}

Result<std::int64_t> Client::kick(const std::string& nickname, const std::string& room,
                                  const std::string& reason) {
  return moderate(ModerationAction::kick, nickname, room, {}, reason);
}

Result<std::int64_t> Client::ban(const std::string& nickname, const std::string& room,
                                 std::chrono::seconds duration, const std::string& reason) {
  return moderate(ModerationAction::ban, nickname, room, duration, reason);
}

Result<std::int64_t> Client::unban(const std::string& nickname, const std::string& room) {
  return moderate(ModerationAction::unban, nickname, room, {}, {});
}

Result<std::int64_t> Client::mute(const std::string& nickname, const std::string& room,
                                  std::chrono::seconds duration, const std::string& reason) {
  return moderate(ModerationAction::mute, nickname, room, duration, reason);
}

Result<std::int64_t> Client::unmute(const std::string& nickname, const std::string& room) {
  return moderate(ModerationAction::unmute, nickname, room, {}, {});
}

Result<std::int64_t> Client::set_motd(const std::string& motd) {
  return moderate(ModerationAction::motd, {}, {}, {}, motd);
}

Result<std::int64_t> Client::lock_topic(const std::string& room, bool locked) {
  return moderate(locked ? ModerationAction::topic_lock : ModerationAction::topic_unlock, {}, room, {}, {});
}

}  // namespace chatcore
