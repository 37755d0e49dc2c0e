// sessions: many joined idle sessions on a child server (its RSS is the server's alone), then
// one broadcast to the big room, timed until its last member has it.
#include <algorithm>
#include <thread>

#include "chatbench/load_client.h"
#include "chatbench/scenarios.h"
#include "chatbench/target.h"

namespace chatbench {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr int kIdleRoomSize = 50;  // the sessions outside the big room sit in rooms this big
constexpr int kBroadcasts = 5;
}  // namespace

bool run_sessions(const Options& o) {
  const auto kind = o.server.empty() ? ChatTarget::Kind::child : ChatTarget::Kind::external;
  auto target = ChatTarget::start(o, kind, scratch(o, "sessions-storage"));
  if (!target) return false;
  std::this_thread::sleep_for(milliseconds(200));
  const long rss0 = target->rss_kib();
  const int n = o.sessions;
  const int big = std::min(o.broadcast_members, n);
  // When shared, enough connections that no single one carries thousands of streams.
  const int channels = o.channels == 0 ? 0 : std::max(o.channels, n / 1000);
  LoadClient lc({.address = target->address(), .channels = channels,
                 .threads = o.client_threads, .text_bytes = o.text_bytes});
  const std::int64_t t0 = now_ns();
  const int held = lc.open(n, "s", seconds(120));
  const double open_s = static_cast<double>(now_ns() - t0) / 1e9;
  std::vector<std::string> room_of(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    room_of[static_cast<std::size_t>(i)] =
        i < big ? "big" : "idle" + std::to_string((i - big) / kIdleRoomSize);
  }
  const std::int64_t t1 = now_ns();
  const bool joined = held == n && lc.join(room_of, seconds(240));
  lc.settle(milliseconds(500), seconds(240));
  const double join_s = static_cast<double>(now_ns() - t1) / 1e9;
  std::this_thread::sleep_for(milliseconds(200));
  const long rss1 = target->rss_kib();

  std::vector<double> times;
  std::uint64_t lost = 0;
  for (int b = 0; b < kBroadcasts && joined; ++b) {
    lc.reset_stats();
    lc.send_saturating({0}, 1, 1, seconds(10));
    const std::uint64_t got = lc.wait_delivered(static_cast<std::uint64_t>(big), seconds(10));
    const DeliveryStats st = lc.stats();
    lost += (got < static_cast<std::uint64_t>(big) ? big - got : 0) + st.seq_gaps;
    times.push_back(st.latency.max_ms());
  }
  std::sort(times.begin(), times.end());
  const double per_session =
      rss0 >= 0 && rss1 >= 0 && held > 0 ? static_cast<double>(rss1 - rss0) / held : -1;
  Record rec("sessions");
  rec.add("sessions", n).add("sessions_held", held).add("joined", joined)
      .add("connections", connections_label(channels)).add("open_s", open_s).add("join_s", join_s)
      .add("rss_base_kib", static_cast<std::int64_t>(rss0))
      .add("rss_kib", static_cast<std::int64_t>(rss1))
      .add("rss_per_session_kib", per_session).add("broadcast_members", big)
      .add("broadcast_all_ms", times.empty() ? -1.0 : times[times.size() / 2])
      .add("broadcast_all_ms_worst", times.empty() ? -1.0 : times.back())
      .add("lost", lost);
  emit(rec, o.json);
  return joined && lost == 0;
}

}  // namespace chatbench
