// fanout and paced: R rooms of M members where everyone sends (saturating), and a steady
// delivery rate to one room; chatcore and the bare gRPC ceilings (coalescing, and one event
// per write) in the same invocation, each server a child process, with CPU and writes counted.
#include <fmt/format.h>
#include <algorithm>
#include <filesystem>
#include <numeric>
#include <thread>

#include "chatbench/child_server.h"
#include "chatbench/load_client.h"
#include "chatbench/scenarios.h"
#include "chatbench/server_writes.h"
#include "chatbench/target.h"

namespace chatbench {
namespace {
using std::chrono::milliseconds;
using std::chrono::seconds;

// Servers run as children so that each one's CPU is read from /proc and is its own.
ChatTarget::Kind target_kind(const Options& o) {
  return o.server.empty() ? ChatTarget::Kind::child : ChatTarget::Kind::external;
}

// The run with the median delivery rate.
const FanoutRun& median(std::vector<FanoutRun>& runs) {
  std::sort(runs.begin(), runs.end(),
            [](const FanoutRun& a, const FanoutRun& b) { return a.deliveries_per_s < b.deliveries_per_s; });
  return runs[runs.size() / 2];
}

double cpu_us_per_delivery(const FanoutRun* r) {
  if (!r || r->cpu_s < 0 || r->delivered == 0) return -1;
  return r->cpu_s * 1e6 / static_cast<double>(r->delivered);
}

double writes_per_delivery(const FanoutRun* r) {
  if (!r || r->server_segments < 0 || r->delivered == 0) return -1;
  return static_cast<double>(r->server_segments) / static_cast<double>(r->delivered);
}

FanoutRun ceiling_run(const Options& o, bool coalescing, int rooms, int members, int messages) {
  std::vector<std::string> argv = {o.self_exe, "serve-ceiling", "--dir", o.dir};
  if (!coalescing) argv.emplace_back("--ceiling-one-event");
  const auto ceiling = ChildServer::start(argv);
  if (!ceiling) return {};
  const pid_t pid = ceiling->pid();
  return fanout_once(o, ceiling->address(), rooms, members, messages,
                     [pid](double) { return proc_cpu_s(pid); });
}
}  // namespace

std::string scratch(const Options& o, const std::string& name) {
  std::filesystem::create_directories(o.dir);
  return (std::filesystem::path(o.dir) / name).string();
}

FanoutRun fanout_once(const Options& o, const std::string& address, int rooms, int members,
                      int messages, const CpuProbe& server_cpu) {
  LoadClient lc({.address = address, .channels = o.channels, .threads = o.client_threads,
                 .text_bytes = o.text_bytes});
  const int n = rooms * members;
  if (lc.open(n, "u", seconds(30)) < n) return {};
  std::vector<std::string> room_of(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) room_of[static_cast<std::size_t>(i)] = fmt::format("r{}", i / members);
  if (!lc.join(room_of, seconds(60))) return {};
  lc.settle(milliseconds(100), seconds(30));
  const auto expected = static_cast<std::uint64_t>(rooms) * members * members * messages;
  return measure_saturating(o, lc, n, expected, messages, {port_of(address)}, server_cpu);
}

FanoutRun measure_saturating(const Options& o, LoadClient& lc, int n, std::uint64_t expected,
                             int messages, const std::vector<int>& ports,
                             const CpuProbe& server_cpu) {
  FanoutRun r;
  lc.track_senders(n);
  lc.reset_stats();
  std::vector<int> senders(static_cast<std::size_t>(n));
  std::iota(senders.begin(), senders.end(), 0);
  r.expected = expected;
  const auto segments = [&ports] {
    std::int64_t sum = 0;
    for (const int port : ports) {
      const std::int64_t w = data_segments_from(port);
      if (w < 0) return std::int64_t{-1};
      sum += w;
    }
    return sum;
  };
  const double client0 = process_cpu_s();
  const double c0 = server_cpu ? server_cpu(lc.thread_cpu_s()) : -1;
  const std::int64_t w0 = segments();
  const std::int64_t t0 = now_ns();
  lc.send_saturating(senders, messages, o.window, seconds(300));
  lc.wait_delivered(r.expected, seconds(60));
  const std::int64_t t1 = now_ns();
  const double client1 = process_cpu_s();
  const double c1 = server_cpu ? server_cpu(lc.thread_cpu_s()) : -1;
  const std::int64_t w1 = segments();
  if (w0 >= 0 && w1 >= 0) r.server_segments = w1 - w0;
  const DeliveryStats st = lc.stats();
  r.ok = true;
  r.seconds = static_cast<double>(t1 - t0) / 1e9;
  r.delivered = st.delivered;
  r.lost = (r.expected > st.delivered ? r.expected - st.delivered : 0) + st.out_of_order +
           st.seq_gaps;
  r.deliveries_per_s = static_cast<double>(st.delivered) / r.seconds;
  r.client_cores = (client1 - client0) / r.seconds;
  if (c0 >= 0 && c1 >= 0) r.cpu_s = c1 - c0;
  r.latency = st.latency;
  return r;
}

PacedRun paced_once(const Options& o, const std::string& address, double rate, int members,
                    double secs, const std::function<void()>& during) {
  PacedRun r;
  LoadClient lc({.address = address, .channels = o.channels, .threads = o.client_threads,
                 .text_bytes = o.text_bytes});
  if (lc.open(members, "p", seconds(30)) < members) return r;
  if (!lc.join(std::vector<std::string>(static_cast<std::size_t>(members), "paced"), seconds(60))) {
    return r;
  }
  lc.settle(milliseconds(100), seconds(30));
  lc.track_senders(members);
  lc.reset_stats();
  std::vector<int> senders(static_cast<std::size_t>(members));
  std::iota(senders.begin(), senders.end(), 0);
  const double sends_per_s = rate / members;
  const std::int64_t t0 = now_ns();
  if (during) {
    std::atomic<bool> done{false};
    std::thread side([&] {
      during();
      done.store(true);
    });
    while (!done.load()) lc.send_paced(senders, sends_per_s, 0.25);
    side.join();
  } else {
    lc.send_paced(senders, sends_per_s, secs);
  }
  const std::int64_t t1 = now_ns();
  DeliveryStats st = lc.stats();
  r.expected = (st.answered - st.send_errors) * static_cast<std::uint64_t>(members);
  lc.wait_delivered(r.expected, seconds(10));
  st = lc.stats();
  r.ok = true;
  r.delivered = st.delivered;
  r.lost = (r.expected > st.delivered ? r.expected - st.delivered : 0) + st.out_of_order +
           st.seq_gaps + st.send_errors * static_cast<std::uint64_t>(members);
  r.achieved_rate = static_cast<double>(st.delivered) / (static_cast<double>(t1 - t0) / 1e9);
  r.latency = st.latency;
  return r;
}

bool run_fanout(const Options& o) {
  bool ok = true;
  for (const int members : o.members) {
    // Small rooms send more each, so that every size delivers about as much.
    const int messages = o.messages * std::max(1, 100 / members);
    std::vector<FanoutRun> chat, one_event, coalescing;
    for (int rep = 0; rep < o.repeat; ++rep) {
      if (!o.no_ceiling) {
        one_event.push_back(ceiling_run(o, false, o.rooms, members, messages));
        coalescing.push_back(ceiling_run(o, true, o.rooms, members, messages));
      }
      auto target = ChatTarget::start(o, target_kind(o), scratch(o, "fanout-storage"));
      if (!target) return false;
      const ChatTarget* t = target.get();
      chat.push_back(fanout_once(o, t->address(), o.rooms, members, messages,
                                 [t](double client) { return t->cpu_s(client); }));
    }
    const FanoutRun& c = median(chat);
    const FanoutRun* c1 = one_event.empty() ? nullptr : &median(one_event);
    const FanoutRun* cc = coalescing.empty() ? nullptr : &median(coalescing);
    const double ceil_one = c1 ? c1->deliveries_per_s : 0;
    const double ceil = cc ? cc->deliveries_per_s : 0;
    Record rec("fanout");
    rec.add("rooms", o.rooms).add("members", members).add("messages", messages)
        .add("window", o.window).add("connections", connections_label(o.channels))
        .add("runs", o.repeat)
        .add("expected", c.expected).add("delivered", c.delivered).add("lost", c.lost)
        .add("deliveries_per_s", c.deliveries_per_s)
        .add("ceiling_deliveries_per_s", ceil)
        .add("ceiling_one_event_deliveries_per_s", ceil_one)
        .add("ratio_to_ceiling", ratio(c.deliveries_per_s, ceil))
        .add("ratio_to_ceiling_one_event", ratio(c.deliveries_per_s, ceil_one))
        .add("p50_ms", c.latency.percentile_ms(50)).add("p99_ms", c.latency.percentile_ms(99))
        .add("p999_ms", c.latency.percentile_ms(99.9)).add("max_ms", c.latency.max_ms())
        .add("server_cpu_us_per_delivery", cpu_us_per_delivery(&c))
        .add("server_writes_per_delivery", writes_per_delivery(&c))
        .add("ceiling_cpu_us_per_delivery", cpu_us_per_delivery(cc))
        .add("ceiling_writes_per_delivery", writes_per_delivery(cc))
        .add("ceiling_one_event_cpu_us_per_delivery", cpu_us_per_delivery(c1))
        .add("ceiling_one_event_writes_per_delivery", writes_per_delivery(c1))
        .add("client_cores", c.client_cores)
        .add("ceiling_client_cores", cc ? cc->client_cores : 0.0)
        .add("ceiling_p99_ms", cc ? cc->latency.percentile_ms(99) : 0.0)
        .add("ceiling_lost", cc ? cc->lost : 0);
    emit(rec, o.json);
    // A reference that loses or reorders is no reference: its runs must be whole too.
    for (const auto* runs : {&chat, &one_event, &coalescing}) {
      for (const auto& run : *runs) {
        ok = ok && run.ok && run.lost == 0 && run.delivered == run.expected;
      }
    }
  }
  return ok;
}

// The run with the median p99.
const PacedRun& median_p99(std::vector<PacedRun>& runs) {
  std::sort(runs.begin(), runs.end(), [](const PacedRun& a, const PacedRun& b) {
    return a.latency.percentile_ms(99) < b.latency.percentile_ms(99);
  });
  return runs[runs.size() / 2];
}

// The coalescing ceiling paced the same way: the latency bare gRPC and this machine's
// scheduler give, which no server on it can beat.
bool run_paced(const Options& o) {
  std::vector<PacedRun> chat, ceiling;
  for (int rep = 0; rep < o.repeat; ++rep) {
    if (!o.no_ceiling) {
      std::vector<std::string> argv = {o.self_exe, "serve-ceiling", "--dir", o.dir};
      const auto child = ChildServer::start(argv);
      if (!child) return false;
      ceiling.push_back(paced_once(o, child->address(), o.rate, o.paced_members, o.paced_seconds));
    }
    auto target = ChatTarget::start(o, target_kind(o), scratch(o, "paced-storage"));
    if (!target) return false;
    chat.push_back(paced_once(o, target->address(), o.rate, o.paced_members, o.paced_seconds));
  }
  const PacedRun& r = median_p99(chat);
  const PacedRun* c = ceiling.empty() ? nullptr : &median_p99(ceiling);
  Record rec("paced");
  rec.add("rate", o.rate).add("members", o.paced_members).add("seconds", o.paced_seconds)
      .add("runs", o.repeat)
      .add("achieved_rate", r.achieved_rate).add("expected", r.expected)
      .add("delivered", r.delivered).add("lost", r.lost)
      .add("p50_ms", r.latency.percentile_ms(50)).add("p99_ms", r.latency.percentile_ms(99))
      .add("p999_ms", r.latency.percentile_ms(99.9)).add("max_ms", r.latency.max_ms())
      .add("ceiling_p50_ms", c ? c->latency.percentile_ms(50) : 0.0)
      .add("ceiling_p99_ms", c ? c->latency.percentile_ms(99) : 0.0)
      .add("ceiling_p999_ms", c ? c->latency.percentile_ms(99.9) : 0.0)
      .add("ceiling_lost", c ? c->lost : 0);
  emit(rec, o.json);
  bool ok = true;
  for (const auto* runs : {&chat, &ceiling}) {
    for (const auto& run : *runs) ok = ok && run.ok && run.lost == 0;
  }
  return ok;
}

}  // namespace chatbench
