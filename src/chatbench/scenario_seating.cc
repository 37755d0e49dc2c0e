// seating: how long a fresh server takes to seat N sessions (the first 1 000 in one room, the
// rest in rooms of 50), until the last join event has reached every member; the writes that
// took, and the server's RSS per session.
#include <algorithm>

#include "chatbench/load_client.h"
#include "chatbench/scenarios.h"
#include "chatbench/server_writes.h"
#include "chatbench/target.h"

namespace chatbench {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr int kBigRoom = 1000;
constexpr int kSmallRoom = 50;
constexpr auto kQuiet = milliseconds(300);  // no event for this long: everyone is seated

bool seat_once(const Options& o, int n) {
  const auto kind = o.server.empty() ? ChatTarget::Kind::child : ChatTarget::Kind::external;
  auto target = ChatTarget::start(o, kind, scratch(o, "seating-storage"));
  if (!target) return false;
  const long rss0 = target->rss_kib();
  LoadClient lc({.address = target->address(), .channels = o.channels,
                 .threads = o.client_threads, .text_bytes = o.text_bytes});
  const int held = lc.open(n, "s", seconds(120));
  lc.settle(milliseconds(100), seconds(30));
  const int big = std::min(kBigRoom, n);
  std::vector<std::string> room_of(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    room_of[static_cast<std::size_t>(i)] =
        i < big ? "big" : "room" + std::to_string((i - big) / kSmallRoom);
  }
  const int port = port_of(target->address());
  lc.reset_stats();
  const std::int64_t w0 = data_segments_from(port);
  const std::int64_t t0 = now_ns();
  const bool joined = held == n && lc.join(room_of, seconds(240));
  const std::int64_t last = lc.settle(kQuiet, seconds(240));
  const std::int64_t w1 = data_segments_from(port);
  const long rss1 = target->rss_kib();
  const DeliveryStats st = lc.stats();
  const bool counted = w0 >= 0 && w1 >= 0;
  Record rec("seating");
  rec.add("sessions", n).add("big_room", big).add("small_rooms_of", kSmallRoom)
      .add("connections", connections_label(o.channels)).add("sessions_held", held)
      .add("joined", joined).add("seat_s", static_cast<double>(last - t0) / 1e9)
      .add("events", st.events)
      .add("server_writes", counted ? w1 - w0 : std::int64_t{-1})
      .add("writes_per_join", counted ? static_cast<double>(w1 - w0) / n : -1.0)
      .add("rss_base_kib", static_cast<std::int64_t>(rss0))
      .add("rss_kib", static_cast<std::int64_t>(rss1))
      .add("rss_per_session_kib",
           rss0 >= 0 && rss1 >= 0 ? static_cast<double>(rss1 - rss0) / n : -1.0)
      .add("seq_gaps", st.seq_gaps);
  emit(rec, o.json);
  return joined && st.seq_gaps == 0;
}
}  // namespace

bool run_seating(const Options& o) {
  bool ok = true;
  for (const int n : o.seat_sessions) ok = seat_once(o, n) && ok;
  return ok;
}

}  // namespace chatbench
