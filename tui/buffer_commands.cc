// The buffer commands: /query opens a DM buffer, /buffer (/win) shows one by number or name,
// /close leaves a room (after a y/n) or closes a DM buffer; and the nick list of the room on
// screen, fetched from the server.
#include "app.h"

#include <charconv>

namespace chat {

void App::query(const Command& cmd) {
  const std::string partner = cmd.args[0].starts_with('@') ? cmd.args[0].substr(1) : cmd.args[0];
  if (partner.empty() || partner == state_.nick) {
    state_.add_error("/query: name someone else");
    return;
  }
  state_.open_dm(partner);
}

void App::show_buffer(const Command& cmd) {
  const std::string& arg = cmd.args[0];
  int number = 0;
  const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), number);
  if (ec == std::errc() && end == arg.data() + arg.size()) {
    if (!state_.focus_number(number)) {
      state_.add_error("/buffer: no buffer " + arg + " (there are " +
                       std::to_string(state_.buffers().all().size()) + ")");
    }
    return;
  }
  if (auto id = state_.buffers().find_by_name(arg)) {
    state_.focus(*id);
    return;
  }
  state_.add_error("/buffer: no buffer named " + arg + " (/join a room, /query a nick)");
}

void App::close_buffer(const Command&) {
  const BufferId id = state_.current().id;
  switch (id.kind) {
    case BufferKind::server:
      state_.add_error("/close: the lobby stays; /quit leaves");
      return;
    case BufferKind::dm:
      state_.close_dm(id.name);
      return;
    case BufferKind::room:
      state_.confirm_close = id.name;  // the key handler asks y/n, then runs /leave
      return;
  }
}

void App::refresh_nicks() {
  const std::string room = state_.room();
  if (room.empty() || !state_.show_nicks || state_.connection != Connection::connected) return;
  call([room](chatcore::Client& c) { return c.list_users(room); },
       [this, room](const chatcore::Result<std::vector<chatcore::UserInfo>>& r) {
         if (r.ok()) state_.set_nicks(room, r.value());
       });
}

}  // namespace chat
