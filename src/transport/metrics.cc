#include "transport/metrics.h"

#include <fmt/format.h>

namespace chatcore::transport {
namespace {

void header(std::string& out, const char* name, const char* help, const char* type) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

template <class Metric>
void single(std::string& out, const char* name, const char* help, const char* type,
            const Metric& metric) {
  header(out, name, help, type);
  fmt::format_to(std::back_inserter(out), "{} {}\n", name, metric.get());
}

}  // namespace

void Metrics::Histogram::observe_ns(std::uint64_t ns) {
  const double seconds = static_cast<double>(ns) * 1e-9;
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

void Metrics::Histogram::render(std::string& out, const char* name, const char* help) const {
  header(out, name, help, "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    const std::string le = i < kBounds.size() ? fmt::format("{}", kBounds[i]) : "+Inf";
    fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", name, le, cumulative);
  }
  fmt::format_to(std::back_inserter(out), "{}_sum {}\n{}_count {}\n", name,
                 static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) * 1e-9, name,
                 cumulative);
}

void Metrics::refused(Code code) {
  switch (code) {
    case Code::ok: return;
    case Code::resource_exhausted: refused(Refusal::quota); return;
    case Code::permission_denied:
    case Code::unauthenticated: refused(Refusal::permission); return;
    default: refused(Refusal::validation); return;
  }
}

std::string Metrics::render() const {
  std::string out;
  single(out, "chatcore_sessions", "Sessions logged in now.", "gauge", sessions_online);
  single(out, "chatcore_rooms", "Rooms that exist now.", "gauge", rooms);
  single(out, "chatcore_transfers_in_flight", "Uploads and downloads running now.", "gauge",
         transfers_in_flight);
  single(out, "chatcore_transfer_buffered_bytes",
         "File bytes transfers hold in memory now (read ahead, or received and not yet stored).",
         "gauge", transfer_buffered_bytes);
  single(out, "chatcore_stored_bytes",
         "Bytes of stored files and of kept interrupted uploads (what the storage quota counts).",
         "gauge", stored_bytes);
  single(out, "chatcore_guest_sessions", "Sessions logged in now without an identity.",
         "gauge", guest_sessions);
  single(out, "chatcore_stored_files", "Files in the registry now.", "gauge", stored_files);
  single(out, "chatcore_sessions_opened_total", "Sessions that logged in.", "counter",
         sessions_opened);
  single(out, "chatcore_room_messages_total", "Room messages accepted.", "counter",
         room_messages);
  single(out, "chatcore_direct_messages_total", "Direct messages accepted.", "counter",
         direct_messages);
  single(out, "chatcore_deliveries_total", "Events queued for a session.", "counter",
         deliveries);
  single(out, "chatcore_uploaded_bytes_total", "File bytes received from clients.", "counter",
         bytes_uploaded);
  single(out, "chatcore_downloaded_bytes_total", "File bytes sent to clients.", "counter",
         bytes_downloaded);
  header(out, "chatcore_refusals_total", "Requests refused, by reason.", "counter");
  static constexpr const char* kReasons[] = {"flood", "validation", "quota", "permission",
                                             "overflow"};
  for (std::size_t i = 0; i < refusals_.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "chatcore_refusals_total{{reason=\"{}\"}} {}\n",
                   kReasons[i], refusals_[i].get());
  }
  loop_turn.render(out, "chatcore_loop_turn_seconds",
                   "Time of one loop turn: its completion-queue events and the flush of their writes.");
  send_to_write.render(out, "chatcore_send_to_write_seconds",
                       "From a room message or DM arriving to the start of the writes that "
                       "carry it to its recipients (commit and fan-out included).");
  if (!node_id.empty()) {
    // Node ids are [a-z0-9-]: nothing in them needs escaping in a label value.
    header(out, "chatcore_cluster_node_info", "This node's id in its cluster.", "gauge");
    fmt::format_to(std::back_inserter(out), "chatcore_cluster_node_info{{node=\"{}\"}} 1\n",
                   node_id);
    single(out, "chatcore_nats_connected",
           "1 while this node is connected to NATS (and its health is SERVING), else 0.", "gauge",
           nats_connected);
  }
  return out;
}

}  // namespace chatcore::transport
