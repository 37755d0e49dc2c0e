// The moderation commands: /kick, /ban, /unban, /mute, /unmute and /motd. The server decides
// who may (its PERMISSION_DENIED says why not, on a visible line); what was done comes back
// to the room as a Moderated event, which ChatState shows where it happened.
#include "app.h"
#include "model/moderation.h"

#include <chrono>

namespace chat {
namespace {

const char* name_of(CommandKind kind) {
  switch (kind) {
    case CommandKind::kick: return "/kick";
    case CommandKind::ban: return "/ban";
    case CommandKind::unban: return "/unban";
    case CommandKind::mute: return "/mute";
    case CommandKind::unmute: return "/unmute";
    default: return "/motd";
  }
}

chatcore::ModerationAction action_of(CommandKind kind) {
  using A = chatcore::ModerationAction;
  switch (kind) {
    case CommandKind::kick: return A::kick;
    case CommandKind::ban: return A::ban;
    case CommandKind::unban: return A::unban;
    case CommandKind::mute: return A::mute;
    case CommandKind::unmute: return A::unmute;
    default: return A::motd;
  }
}

}  // namespace

void App::moderate(const Command& cmd) {
  const std::string name = name_of(cmd.kind);
  const auto room = moderation_room(cmd, state_.current().id.kind == BufferKind::server, state_.room());
  if (!room) {
    state_.add_error(name + ": show the room it is about, or use -s for the whole server");
    return;
  }
  const std::string nick = cmd.args[0].starts_with('@') ? cmd.args[0].substr(1) : cmd.args[0];
  const std::string reason = cmd.args.size() > 1 ? cmd.args[1] : std::string();
  const chatcore::ModerationAction action = action_of(cmd.kind);
  const std::chrono::seconds duration(cmd.duration_s);
  const BufferId asked_in = state_.current().id;
  call([action, nick, room = *room, duration, reason](chatcore::Client& c) {
         return c.moderate(action, nick, room, duration, reason);
       },
       [this, name, nick, room = *room, asked_in](const chatcore::Result<std::int64_t>& r) {
         if (!r.ok()) {
           state_.add_error(name + " " + nick + ": " + r.status().message);
           return;
         }
         // The room (or, server-wide, the server buffer) shows what was done; a word here
         // when the user reads elsewhere by now.
         const BufferId shows_in = room.empty() ? BufferId::server() : BufferId::room(room);
         if (state_.current().id != shows_in || asked_in != shows_in) {
           state_.add_system(name + " " + nick + ": done" + (room.empty() ? " (server-wide)" : " in #" + room));
         }
       });
}

void App::motd_command(const Command& cmd) {
  if (cmd.args.empty()) {
    state_.add_system(state_.motd.empty() ? "no message of the day" : "message of the day: " + state_.motd);
    return;
  }
  const std::string text = cmd.args[0] == "--clear" ? std::string() : cmd.args[0];
  call([text](chatcore::Client& c) { return c.set_motd(text); },
       [this](const chatcore::Result<std::int64_t>& r) {
         // on success the MOTD event to every session says it, in the server buffer
         if (!r.ok()) state_.add_error("/motd: " + r.status().message);
         else if (state_.current().id.kind != BufferKind::server) state_.add_system("/motd: set");
       });
}

}  // namespace chat
