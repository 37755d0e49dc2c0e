#include "transport/context.h"

#include <algorithm>
#include <chrono>

#include "transport/convert.h"
#include "util/log.h"

namespace chatcore::transport {
namespace {
double monotonic_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// "ipv4:127.0.0.1:5555" -> "ipv4:127.0.0.1", "ipv6:[::1]:5555" -> "ipv6:[::1]".
std::string address_of(const std::string& peer) {
  const auto colon = peer.rfind(':');
  const auto first = peer.find(':');
  return colon == std::string::npos || colon == first ? peer : peer.substr(0, colon);
}
}  // namespace

std::shared_ptr<const std::string> EventEncoder::encode(const EventPtr& event) {
  if (event != last_) {
    v1::Event message;
    to_proto(*event, 0, &message);  // seq 0 is not encoded; each session adds its own
    auto wire = std::make_shared<std::string>();
    message.SerializeToString(wire.get());
    last_ = event;
    last_wire_ = std::move(wire);
  }
  return last_wire_;
}

ServiceContext::ServiceContext(Config c)
    : config(std::move(c)),
      hub(model::HubConfig{.limits = config.limits,
                           .max_rooms = config.max_rooms,
                           .max_room_members = config.max_room_members,
                           .server_name = config.server_name}),
      io_pool(static_cast<std::size_t>(std::max(1, config.io_threads))) {}

Result<model::SessionId> ServiceContext::session(const std::string& token) const {
  const auto id = hub.find(token);
  if (id == 0) {
    return Status(Code::unauthenticated, "unknown or expired session; log in again");
  }
  return id;
}

Status ServiceContext::admit(model::SessionId id, bool is_message) {
  auto it = limits.find(id);
  if (it == limits.end()) return {};
  auto& bucket = is_message ? it->second.messages : it->second.commands;
  const double wait = bucket.take(monotonic_seconds());
  if (wait <= 0) return {};
  metrics.refused(Metrics::Refusal::flood);
  return Status(Code::resource_exhausted,
                fmt::format("too many {}; slow down and retry in {:.1f} s",
                            is_message ? "messages" : "requests", std::max(wait, 0.1)));
}

Status ServiceContext::check_address(const std::string& peer) const {
  const std::size_t limit = config.max_sessions_per_peer;
  if (limit == 0) return {};
  const auto it = sessions_per_address.find(address_of(peer));
  if (it != sessions_per_address.end() && it->second >= limit) {
    return Status(Code::resource_exhausted,
                  fmt::format("too many sessions from your address (limit {})", limit));
  }
  return {};
}

void ServiceContext::session_opened(model::SessionId id, const std::string& peer) {
  metrics.sessions_opened.add();
  auto address = address_of(peer);
  ++sessions_per_address[address];
  limits.emplace(id, SessionLimits{
                         .messages = {config.message_rate.per_second, config.message_rate.burst},
                         .commands = {config.command_rate.per_second, config.command_rate.burst},
                         .address = std::move(address)});
}

void ServiceContext::session_closed(model::SessionId id) {
  auto it = limits.find(id);
  if (it == limits.end()) return;
  auto count = sessions_per_address.find(it->second.address);
  if (count != sessions_per_address.end() && --count->second == 0) {
    sessions_per_address.erase(count);
  }
  limits.erase(it);
}

void ServiceContext::check_drained() {
  const std::lock_guard lock(shutdown_mutex);
  if (sessions.empty()) sessions_drained = true;
  if (active_calls == 0) calls_idle = true;
  shutdown_cv.notify_all();
}

void ActiveCall::start(ServiceContext& ctx, std::string_view kind) {
  ctx_ = &ctx;
  kind_ = kind;
  ++ctx.active_calls;
  ++ctx.active_by_kind[kind];
}

ActiveCall::~ActiveCall() {
  if (ctx_ == nullptr) return;
  --ctx_->active_calls;
  --ctx_->active_by_kind[kind_];
  if (ctx_->shutting_down) ctx_->check_drained();
}

}  // namespace chatcore::transport
