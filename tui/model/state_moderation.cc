// ChatState and moderation: what an operator did is shown in the room it happened in (in the
// server buffer when server-wide), and what was done to the user is in the server buffer
// too, so it is never missed; the fingerprint and the MOTD are noted there on connect.
#include "moderation.h"
#include "state.h"

namespace chat {

void ChatState::moderation(const chatcore::Event& event) {
  if (!event.moderation) return;
  const chatcore::Moderated& m = *event.moderation;
  if (m.action == chatcore::ModerationAction::motd) motd = m.reason;
  const bool mine = m.nickname == nick && !m.nickname.empty();
  using A = chatcore::ModerationAction;
  if (mine && m.room.empty() && (m.action == A::kick || m.action == A::ban)) sent_off_ = true;
  const Line line = make_line(mine ? LineKind::error : LineKind::system, event.time_unix_ms, {}, describe(m, nick));
  Buffer* room = m.room.empty() ? nullptr : buffers_.find(BufferId::room(m.room));
  bool on_screen_too = false;
  if (room != nullptr) {
    push(*room, line);
    buffers_.notify(*room, mine);
    on_screen_too = room == &on_screen();
  }
  if (room == nullptr || mine) {
    Buffer& server = buffers_.open(BufferId::server());
    push(server, line);
    buffers_.notify(server, mine);
    on_screen_too = on_screen_too || &server == &on_screen();
  }
  // What was done to the user shows where they are reading, whatever buffer that is.
  if (mine && !on_screen_too) push(on_screen(), line);
}

void ChatState::note_welcome() {
  // (on a line of its own, so that it is copied whole: chatd --operator names it)
  if (!fingerprint.empty()) add_to_server("fingerprint: " + fingerprint);
  if (server_operator) add_to_server("you are a server operator here");
  if (!motd.empty()) add_to_server("message of the day: " + motd);
}

void ChatState::add_to_server(std::string text, bool also_on_screen) {
  Buffer& server = buffers_.open(BufferId::server());
  if (also_on_screen && &server != &on_screen()) push(on_screen(), make_line(LineKind::system, 0, {}, text));
  push(server, make_line(LineKind::system, 0, {}, std::move(text)));
}

}  // namespace chat
