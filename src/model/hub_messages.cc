// Room messages and direct messages: checked, numbered, fanned out as one shared event.
#include "model/hub.h"

#include "model/hub_state.h"
#include "model/text.h"
#include "util/escape.h"

#include <fmt/format.h>

namespace chatcore::model {

Result<std::uint64_t> ChatHub::send_room(SessionId id, std::string_view room,
                                         std::string_view text, std::uint64_t client_msg_id) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  if (auto st = check_message(text, state_->config.limits.max_message_bytes); !st.ok()) return st;
  auto* r = state_->room(room);
  if (r == nullptr) return Status{Code::not_found, fmt::format("no room named '{}'", util::escape(room))};
  if (!r->online.contains(id)) {
    return Status{Code::failed_precondition, fmt::format("you are not in room '{}'", r->name)};
  }
  const std::uint64_t message_id = ++r->last_id;
  RoomMessage m{.message_id = message_id,
                .room = r->name,
                .sender = s->nickname,
                .text = std::string(text),
                .replay = false,
                .client_msg_id = client_msg_id,
                .sent_unix_ms = now_unix_ms(),
                .room_epoch = r->epoch,
                .missed = false};
  state_->deliver(r->online, make_event(m));
  const std::size_t keep = state_->config.limits.history;
  if (keep > 0) {
    r->history.push_back(std::move(m));
    while (r->history.size() > keep) r->history.pop_front();
  }
  return message_id;
}

Result<std::uint64_t> ChatHub::send_direct(SessionId id, std::string_view recipient,
                                           std::string_view text, std::uint64_t client_msg_id) {
  auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  if (auto st = check_message(text, state_->config.limits.max_message_bytes); !st.ok()) return st;
  auto* to = state_->session_named(recipient);
  Identity* owner = nullptr;
  if (to == nullptr) {
    if (auto it = state_->owners.find(fold_case(recipient)); it != state_->owners.end()) {
      owner = &state_->identities.at(it->second);
    }
    if (owner == nullptr) {
      return Status{Code::not_found,
                    fmt::format("no user named '{}'",
                                util::escape(recipient))};
    }
  }
  const std::uint64_t message_id = state_->next_direct++;
  DirectMessage dm{.message_id = message_id,
                   .sender = s->nickname,
                   .recipient = to != nullptr ? to->nickname : owner->nickname,
                   .text = std::string(text),
                   .client_msg_id = client_msg_id,
                   .sent_unix_ms = now_unix_ms(),
                   .missed = false};
  if (owner != nullptr) {
    // Kept until the owner connects again, then delivered as missed.
    s->participant->deliver(make_event(dm));
    dm.missed = true;
    owner->waiting.push_back(std::move(dm));
    return message_id;
  }
  auto event = make_event(std::move(dm));
  to->participant->deliver(event);
  if (to != s) s->participant->deliver(event);
  return message_id;
}

}  // namespace chatcore::model
