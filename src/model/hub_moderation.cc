// Who is an operator and what a ban or mute forbids: the checks Connect, JoinRoom and the
// sends make, the seeding of bans, mutes, creators and the MOTD from the store, and the
// readable refusals. The actions themselves are in hub_moderate.cc.
#include "model/hub.h"

#include "model/hub_state.h"
#include "util/escape.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace chatcore::model {

namespace {
// The shortest prefix of a fingerprint accepted: 64 bits, too many to find a collision by
// making identities.
constexpr std::size_t kMinOperatorPrefix = 16;

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string until_text(std::int64_t until_ms) {
  if (until_ms == 0) return "until lifted";
  const std::time_t t = static_cast<std::time_t>(until_ms / 1000);
  return fmt::format("until {:%Y-%m-%d %H:%M:%S} UTC", fmt::gmtime(t));
}

std::string refusal(std::string_view what, const Sanction& s) {
  return fmt::format("{} by {} {}{}{}", what, util::escape(s.by), until_text(s.until_ms),
                     s.reason.empty() ? "" : ": ", util::escape(s.reason));
}

bool operator_fingerprint_ok(std::string_view fingerprint) {
  return fingerprint.size() >= kMinOperatorPrefix && fingerprint.size() <= 64 &&
         std::all_of(fingerprint.begin(), fingerprint.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}
}  // namespace

bool ChatHub::State::is_server_operator(const Identity& identity) const {
  return std::any_of(config.operators.begin(), config.operators.end(), [&](const auto& op) {
    return operator_fingerprint_ok(op) && identity.secret_hash.starts_with(lower(op));
  });
}

bool ChatHub::State::is_server_operator(const Session& s) const {
  const auto* identity = const_cast<State*>(this)->identity_of(s);
  return identity != nullptr && is_server_operator(*identity);
}

bool ChatHub::is_server_operator(SessionId id) const {
  const auto* s = state_->session(id);
  return s != nullptr && state_->is_server_operator(*s);
}

Status ChatHub::State::check_ban(IdentityId identity, const std::string& key) const {
  if (identity == 0) return {};
  auto it = sanctions.find({store::SanctionKind::ban, identity, key});
  if (it == sanctions.end()) return {};
  if (it->second.until_ms != 0 && it->second.until_ms <= now_unix_ms()) return {};
  const auto what = key.empty() ? std::string("you are banned from this server")
                                : fmt::format("you are banned from room '{}'",
                                              util::escape(rooms.contains(key)
                                                               ? rooms.at(key).name
                                                               : key));
  return Status{Code::permission_denied, refusal(what, it->second)};
}

Status ChatHub::State::check_mute(const Session& s, const std::string& key) const {
  if (s.identity == 0) return {};
  const auto now = now_unix_ms();
  // The server-wide mute first: it says more than the room's.
  std::vector<std::string> places{std::string()};
  if (!key.empty()) places.push_back(key);
  for (const std::string& where : places) {
    auto it = sanctions.find({store::SanctionKind::mute, s.identity, where});
    if (it == sanctions.end()) continue;
    if (it->second.until_ms != 0 && it->second.until_ms <= now) continue;
    const auto what = where.empty() ? std::string("you are muted on this server")
                                    : fmt::format("you are muted in room '{}'",
                                                  rooms.contains(where) ? rooms.at(where).name
                                                                        : where);
    return Status{Code::permission_denied, refusal(what, it->second)};
  }
  return {};
}

void ChatHub::State::seed_moderation(const store::Snapshot& snapshot) {
  for (const auto& s : snapshot.sanctions) {
    sanctions[{s.kind, s.identity, s.room}] =
        Sanction{.until_ms = s.until_ms, .reason = s.reason, .by = s.by};
  }
  for (const auto& c : snapshot.creators) {
    if (auto* r = room(c.room)) r->creator = c.identity;
  }
  for (const auto& name : snapshot.topic_locks) {
    if (auto* r = room(name)) r->topic_locked = true;
  }
  motd = snapshot.motd;
}

void ChatHub::State::set_creator(Room& r, IdentityId identity) {
  r.creator = identity;
  if (store == nullptr || identity == 0) return;
  store->set_room_creator(r.name, identity, logged<bool>("recording the creator of " + r.name));
}

}  // namespace chatcore::model
