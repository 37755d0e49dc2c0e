// burst: slow consumers that stop reading while two members flood their room, until the
// server cuts every slow one off; the server's RSS before, at its peak and a few seconds
// after, to see whether it returns the memory those queues held.
#include <algorithm>
#include <atomic>
#include <thread>

#include "chatbench/load_client.h"
#include "chatbench/scenarios.h"
#include "chatbench/target.h"

namespace chatbench {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;
constexpr int kSenders = 2;
constexpr int kRound = 500;  // messages each sender sends between checks of the room
constexpr int kBurstTextBytes = 4000;
constexpr auto kSample = milliseconds(50);

// Tracks a process's largest RSS on a thread of its own while alive.
class PeakRss {
 public:
  explicit PeakRss(const ChatTarget& t) : thread_([this, &t] {
    while (!stop_.load()) {
      peak_.store(std::max(peak_.load(), t.rss_kib()));
      std::this_thread::sleep_for(kSample);
    }
  }) {}
  ~PeakRss() { stop(); }
  long stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
    return peak_.load();
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<long> peak_{-1};
  std::thread thread_;
};
}  // namespace

bool run_burst(const Options& o) {
  const auto kind = o.server.empty() ? ChatTarget::Kind::child : ChatTarget::Kind::external;
  auto target = ChatTarget::start(o, kind, scratch(o, "burst-storage"));
  if (!target) return false;
  const int slow_n = o.slow_consumers;
  const ClientConfig config{.address = target->address(), .channels = o.channels,
                            .threads = o.client_threads, .text_bytes = kBurstTextBytes};
  LoadClient fast(config), slow(config);
  const bool opened = fast.open(kSenders, "f", seconds(30)) == kSenders &&
                      slow.open(slow_n, "slow", seconds(60)) == slow_n;
  const bool joined =
      opened && fast.join(std::vector<std::string>(kSenders, "burst"), seconds(30)) &&
      slow.join(std::vector<std::string>(static_cast<std::size_t>(slow_n), "burst"), seconds(60),
                false);
  fast.settle(milliseconds(100), seconds(10));
  slow.settle(milliseconds(100), seconds(10));
  const long rss0 = target->rss_kib();
  slow.stall_reading();

  const std::int64_t t0 = now_ns();
  const auto limit = seconds(o.quick || o.smoke ? 60 : 180);
  int left = joined ? slow_n + kSenders : -1;
  std::uint64_t sent = 0;
  PeakRss peak(*target);
  while (joined && left > kSenders && now_ns() - t0 < std::chrono::nanoseconds(limit).count()) {
    fast.reset_stats();  // send_saturating counts answers from zero
    fast.send_saturating({0, 1}, kRound, o.window, seconds(60));
    sent += kSenders * kRound;
    left = fast.room_size(0, "burst", seconds(10));
    if (left < 0) break;
  }
  const double cut_s = static_cast<double>(now_ns() - t0) / 1e9;
  const long rss_peak = peak.stop();
  // What "a few seconds after" shows is the point of the scenario: wall-clock waits here.
  std::this_thread::sleep_for(seconds(1));
  const long rss_1s = target->rss_kib();
  std::this_thread::sleep_for(seconds(4));
  const long rss_5s = target->rss_kib();
  const int cut = left >= kSenders ? slow_n + kSenders - left : 0;
  Record rec("burst");
  rec.add("slow_consumers", slow_n).add("cut_off", cut).add("messages_sent", sent)
      .add("text_bytes", kBurstTextBytes).add("seconds_to_cut_off", cut_s)
      .add("connections", connections_label(o.channels))
      .add("rss_before_kib", static_cast<std::int64_t>(rss0))
      .add("rss_peak_kib", static_cast<std::int64_t>(rss_peak))
      .add("rss_after_1s_kib", static_cast<std::int64_t>(rss_1s))
      .add("rss_after_5s_kib", static_cast<std::int64_t>(rss_5s));
  emit(rec, o.json);
  return joined && cut == slow_n;
}

}  // namespace chatbench
