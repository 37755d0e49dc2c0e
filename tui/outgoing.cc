// Room messages and DMs leave through one queue paced by the flood limit the server
// advertised, so a confirmed paste of many lines is delivered whole instead of being refused
// past the burst; typed lines wait behind it, keeping their order.
#include "app.h"

#include <algorithm>
#include <chrono>

namespace chat {

void App::queue_message(Outgoing message) {
  outgoing_.push(std::move(message));
  send_ready();
}

void App::send_paste() {
  if (!state_.held_paste) return;
  const HeldPaste held = std::move(*state_.held_paste);
  state_.held_paste.reset();
  int queued = 0;
  for (const std::string& line : held.lines) {
    if (std::all_of(line.begin(), line.end(), [](char c) { return c == ' '; })) continue;
    if (line.size() > state_.limits.max_message_bytes) {
      state_.add_error("a pasted line of " + std::to_string(line.size()) + " bytes is too long for the server (" +
                       std::to_string(state_.limits.max_message_bytes) + "); not sent");
      continue;
    }
    outgoing_.push({held.to, line, chatcore::MessageKind::normal});
    ++queued;
  }
  if (outgoing_.size() > static_cast<std::size_t>(state_.limits.message_burst) && state_.limits.message_rate > 0) {
    state_.add_system("sending " + std::to_string(queued) + " lines at the server's pace (" +
                      std::to_string(static_cast<int>(state_.limits.message_rate)) + " a second)");
  }
  send_ready();
}

void App::send_ready() {
  if (quitting_) return;
  const double now = now_s();
  // While the connection is down the queue waits; it goes on once a session is back.
  if (client_ && mode_ == Mode::chat && state_.connection == Connection::connected) {
    for (const Outgoing& message : outgoing_.take_ready(now)) send_now(message);
  }
  const auto wait = outgoing_.next_in(now);
  if (!wait || send_timer_set_) return;
  const bool connected = state_.connection == Connection::connected;
  send_timer_set_ = true;
  const std::chrono::duration<double> delay(connected ? std::max(*wait, 0.01) : 1.0);
  send_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay));
  send_timer_.async_wait([this](const boost::system::error_code& ec) {
    send_timer_set_ = false;
    if (!ec) send_ready();
  });
}

void App::send_now(const Outgoing& message) {
  if (message.to.kind == BufferKind::dm) send_dm_text(message.to.name, message.text, message.kind);
  else send_room_text(message.to.name, message.text, message.kind);
  request_redraw();
}

}  // namespace chat
