// What the TUI knows about moderation, without a terminal: the durations typed after /ban
// and /mute, the arguments of the moderation commands, and the line a Moderated event shows.
#pragma once

#include "command.h"

#include <chatcore/event.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chat {

// "30s", "10m", "2h", "1d", "1w" and sums of them ("1h30m"); nullopt for anything else
// (a bare number too: "/ban bob 10 spam" would be ambiguous).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

bool is_moderation(CommandKind kind);  // kick, ban, unban, mute, unmute
// Fills `cmd` from what follows a moderation command's name: -s/--server, NICK, for /ban
// and /mute an optional DURATION, then (for /kick, /ban, /mute) the reason as typed.
// An error message (its usage) when NICK is missing or something follows /unban NICK.
std::optional<std::string> parse_moderation(const CommandSpec& spec, std::string_view rest, Command& cmd);

// The room the command acts in: "" server-wide (-s, or typed in the server buffer), else
// the room on screen. nullopt when neither applies (typed in a DM buffer without -s).
std::optional<std::string> moderation_room(const Command& cmd, bool in_server_buffer,
                                           const std::string& room_on_screen);

// "YYYY-MM-DD HH:MM" in local time.
std::string local_time(std::int64_t unix_ms);
// The line a Moderated event shows, from where `me` sits: "op kicked you from #den: spam",
// "ann muted bob in #den until 2026-01-01 12:00", "op set the message of the day: hi".
std::string describe(const chatcore::Moderated& m, const std::string& me);

}  // namespace chat
