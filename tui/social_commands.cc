// The commands about people and rooms that IRC users type: /me (an action, in the room or
// DM on screen), /topic, /away and /whois. The server keeps topics and presence; what it
// answers is shown here, and its notices keep titles and nick lists current.
#include "app.h"

#include <ctime>

namespace chat {
namespace {

std::string when(std::int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

}  // namespace

void App::action(const Command& cmd) { send_text(cmd.args[0], chatcore::MessageKind::action); }

void App::topic(const Command& cmd) {
  const std::string room = state_.room();
  if (room.empty()) {
    state_.add_error("/topic: show a room first");
    return;
  }
  if (cmd.args.empty()) {
    const std::string& topic = state_.current().topic;
    state_.add_system(topic.empty() ? "no topic in #" + room + "; /topic TEXT sets one"
                                    : "topic of #" + room + ": " + topic);
    return;
  }
  const std::string text = cmd.args[0];
  if (text == "-lock" || text == "-unlock") {
    // the moderation event that follows says so in the room
    const bool lock = text == "-lock";
    call([room, lock](chatcore::Client& c) { return c.lock_topic(room, lock); },
         [this](const chatcore::Result<std::int64_t>& r) {
           if (!r.ok()) state_.add_error("/topic: " + r.status().message);
         });
    return;
  }
  // the topic notice that follows says who set it, in the room
  call([room, text](chatcore::Client& c) { return c.set_topic(room, text); },
       [this](const chatcore::Result<chatcore::RoomInfo>& r) {
         if (!r.ok()) state_.add_error("/topic: " + r.status().message);
         else state_.set_rooms({r.value()});
       });
}

void App::away(const Command& cmd) {
  const std::string message = cmd.args.empty() ? std::string() : cmd.args[0];
  call([message](chatcore::Client& c) { return c.set_away(message); },
       [this, message](const chatcore::Result<bool>& r) {
         if (!r.ok()) state_.add_error("/away: " + r.status().message);
         else state_.add_system(r.value() ? "you are away: " + message : "you are back");
       });
}

void App::whois(const Command& cmd) {
  const std::string nick = cmd.args[0];
  call([nick](chatcore::Client& c) { return c.whois(nick); },
       [this](const chatcore::Result<chatcore::UserInfo>& r) {
         if (!r.ok()) {
           state_.add_error("/whois: " + r.status().message);
           return;
         }
         const chatcore::UserInfo& u = r.value();
         std::string presence = u.presence == chatcore::Presence::away ? "away" + (u.away_message.empty() ? "" : ": " + u.away_message)
                                : u.presence == chatcore::Presence::offline
                                    ? "offline" + (u.last_seen_unix_ms > 0 ? ", last seen " + when(u.last_seen_unix_ms) : "")
                                    : "online";
         std::string rooms;
         for (const std::string& room : u.rooms) rooms += (rooms.empty() ? "" : ", ") + ("#" + room);
         state_.add_system(u.nickname + (u.guest ? " (guest)" : "") + ": " + presence +
                           (rooms.empty() ? "; in no room" : "; in " + rooms) +
                           (u.server_operator ? "; a server operator" : ""));
         // The fingerprint is what a server's --operator names: one's own is worth finding.
         if (u.nickname == state_.nick && !state_.fingerprint.empty()) {
           state_.add_system("fingerprint: " + state_.fingerprint);
         }
       });
}

void App::ignore(const Command& cmd) {
  if (cmd.args.empty()) {
    const auto names = state_.ignored.names();
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
    state_.add_system(names.empty() ? "ignoring nobody" : "ignoring " + list);
    return;
  }
  const std::string nick = cmd.args[0].starts_with('@') ? cmd.args[0].substr(1) : cmd.args[0];
  if (nick.empty() || nick == state_.nick) {
    state_.add_error("/ignore: name someone else");
    return;
  }
  if (!state_.ignored.add(nick)) {
    state_.add_system("already ignoring " + nick);
    return;
  }
  settings_changed();
  state_.add_system("ignoring " + nick + ": their messages and DMs are hidden here (/unignore " + nick + ")");
}

void App::unignore(const Command& cmd) {
  const std::string nick = cmd.args[0].starts_with('@') ? cmd.args[0].substr(1) : cmd.args[0];
  if (!state_.ignored.remove(nick)) {
    state_.add_error("/unignore: " + nick + " is not ignored (/ignore lists who is)");
    return;
  }
  settings_changed();
  state_.add_system("no longer ignoring " + nick);
}

}  // namespace chat
