// LoadClient's control side, on the caller's thread: channels and shards, opening sessions,
// starting sends, waiting (always bounded) and folding the shards' statistics.
#include "chatbench/load_client.h"

#include <pthread.h>

#include <fmt/format.h>

#include <cstdio>
#include <map>
#include <mutex>

#include "chatbench/load_internal.h"

namespace chatbench {
namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

// Channels with identical arguments share one TCP connection; a local subchannel pool plus a
// distinct argument gives each channel its own, as separate client processes would have.
std::shared_ptr<grpc::Channel> make_channel(const std::string& address, int index) {
  grpc::ChannelArguments args;
  args.SetInt("chatbench.channel", index);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

struct LoadClient::Channels {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::Chat::Stub>> stubs;
};

LoadClient::LoadClient(ClientConfig config)
    : config_(std::move(config)), channels_(std::make_unique<Channels>()) {
  for (std::size_t from = 0;;) {
    const auto comma = config_.address.find(',', from);
    addresses_.push_back(config_.address.substr(from, comma - from));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  for (int i = 0; i < config_.channels; ++i) add_channel();
  for (int i = 0; i < config_.threads; ++i) {
    shards_.push_back(std::make_unique<Shard>(config_.text_bytes));
    Shard* s = shards_.back().get();
    s->thread = std::thread([s] { s->run(); });
  }
}

void LoadClient::add_channel() {
  auto& ch = *channels_;
  const auto index = ch.channels.size();
  ch.channels.push_back(
      make_channel(addresses_[index % addresses_.size()], static_cast<int>(index)));
  ch.stubs.push_back(v1::Chat::NewStub(ch.channels.back()));
}

LoadClient::~LoadClient() {
  close();
  sessions_.clear();
}

int LoadClient::open(int n, const std::string& prefix, std::chrono::milliseconds timeout) {
  auto& stubs = channels_->stubs;
  const auto first = static_cast<int>(sessions_.size());
  for (int i = first; i < first + n; ++i) {
    if (config_.channels == 0) add_channel();
    auto& shard = *shards_[static_cast<std::size_t>(i) % shards_.size()];
    auto& stub = *stubs[static_cast<std::size_t>(i) % stubs.size()];
    sessions_.push_back(std::make_unique<Session>(i, fmt::format("{}{}", prefix, i), shard, stub));
  }
  // The shard threads own the member lists; add to them there.
  for (int i = first; i < first + n; ++i) {
    Session* s = sessions_[static_cast<std::size_t>(i)].get();
    s->shard.post([s] { s->shard.members.push_back(s); });
  }
  for (int i = first; i < first + n; ++i) sessions_[static_cast<std::size_t>(i)]->start();
  const auto welcomed = [&] {
    int sum = 0;
    for (auto& s : shards_) sum += s->welcomed.load();
    return sum;
  };
  wait_for([&] { return welcomed() >= first + n; }, timeout);
  return welcomed() - first;
}

std::int64_t LoadClient::settle(std::chrono::milliseconds quiet,
                                std::chrono::milliseconds timeout) {
  const auto until = Clock::now() + timeout;
  std::uint64_t last = ~std::uint64_t{0};
  auto since = Clock::now();
  std::int64_t last_ns = now_ns();
  while (Clock::now() < until) {
    std::uint64_t sum = 0;
    for (auto& s : shards_) sum += s->events.load();
    if (sum != last) {
      last = sum;
      since = Clock::now();
      last_ns = now_ns();
    } else if (Clock::now() - since >= quiet) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return last_ns;
}

void LoadClient::stall_reading() {
  on_shards([](Shard& s, void*) { s.stall = true; }, nullptr);
}

void LoadClient::on_shards(void (*fn)(Shard&, void*), void* arg) {
  std::atomic<std::size_t> done{0};
  for (auto& s : shards_) {
    Shard* shard = s.get();
    shard->post([shard, fn, arg, &done] {
      fn(*shard, arg);
      done.fetch_add(1);
    });
  }
  if (!wait_for([&] { return done.load() == shards_.size(); }, std::chrono::seconds(60))) {
    std::fprintf(stderr, "chatbench: a client thread is stuck\n");
    std::abort();
  }
}

void LoadClient::track_senders(int count) {
  on_shards([](Shard& s, void* arg) {
    s.tracked = *static_cast<int*>(arg);
    for (Session* m : s.members) m->last_from.assign(static_cast<std::size_t>(s.tracked), 0);
  }, &count);
}

void LoadClient::reset_stats() {
  on_shards([](Shard& s, void*) {
    s.stats = DeliveryStats{};
    s.delivered.store(0);
    s.answered.store(0);
  }, nullptr);
}

bool LoadClient::send_saturating(const std::vector<int>& senders, int messages, int window,
                                 std::chrono::milliseconds timeout) {
  for (int i : senders) {
    Session* s = sessions_[static_cast<std::size_t>(i)].get();
    s->shard.post([s, messages, window] {
      const int first = std::min(window, messages);
      s->to_send = messages - first;
      for (int k = 0; k < first; ++k) s->shard.send(*s);
    });
  }
  const std::uint64_t total = senders.size() * static_cast<std::uint64_t>(messages);
  return wait_for([&] {
    std::uint64_t sum = 0;
    for (auto& s : shards_) sum += s->answered.load();
    return sum >= total;
  }, timeout);
}

bool LoadClient::send_paced(const std::vector<int>& senders, double sends_per_s, double seconds) {
  std::map<Shard*, std::vector<Session*>> by_shard;
  for (int i : senders) {
    Session* s = sessions_[static_cast<std::size_t>(i)].get();
    by_shard[&s->shard].push_back(s);
  }
  const std::int64_t start = now_ns();
  const auto end = start + static_cast<std::int64_t>(seconds * 1e9);
  for (auto& [shard, list] : by_shard) {
    const double share = static_cast<double>(list.size()) / static_cast<double>(senders.size());
    shard->pacing.store(true);
    shard->post([shard, list, rate = sends_per_s * share, start, end] {
      shard->pace_senders = list;
      shard->pace_rate = rate;
      shard->pace_start = start;
      shard->pace_end = end;
      shard->pace_issued = 0;
      shard->on_pace(true);
    });
  }
  const auto limit = std::chrono::milliseconds(static_cast<int>(seconds * 1000) + 10000);
  return wait_for([&] {
    for (auto& s : shards_) {
      if (s->pacing.load() || s->in_flight.load() > 0) return false;
    }
    return true;
  }, limit);
}

std::uint64_t LoadClient::wait_delivered(std::uint64_t expected, std::chrono::milliseconds timeout) {
  std::uint64_t sum = 0;
  wait_for([&] {
    sum = 0;
    for (auto& s : shards_) sum += s->delivered.load();
    return sum >= expected;
  }, timeout);
  return sum;
}

std::uint64_t LoadClient::acked_id(int session) const {
  return sessions_[static_cast<std::size_t>(session)]->acked_id.load(std::memory_order_acquire);
}

DeliveryStats LoadClient::stats() {
  struct Fold {
    std::mutex mutex;
    DeliveryStats total;
  } fold;
  on_shards([](Shard& s, void* arg) {
    auto& f = *static_cast<Fold*>(arg);
    const std::lock_guard lock(f.mutex);
    f.total.delivered += s.stats.delivered;
    f.total.out_of_order += s.stats.out_of_order;
    f.total.seq_gaps += s.stats.seq_gaps;
    f.total.events += s.stats.events;
    f.total.send_errors += s.stats.send_errors;
    f.total.answered += s.answered.load();
    f.total.streams_ended += s.stats.streams_ended;
    f.total.latency.merge(s.stats.latency);
  }, &fold);
  return fold.total;
}

double LoadClient::thread_cpu_s() const {
  double sum = 0;
  for (const auto& s : shards_) {
    clockid_t id{};
    timespec ts{};
    if (pthread_getcpuclockid(const_cast<std::thread&>(s->thread).native_handle(), &id) == 0 &&
        clock_gettime(id, &ts) == 0) {
      sum += static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
    }
  }
  return sum;
}

void LoadClient::close() {
  if (closed_) return;
  closed_ = true;
  for (auto& s : shards_) {
    Shard* shard = s.get();
    shard->post([shard] {
      shard->pace_end = 0;
      for (Session* m : shard->members) {
        m->closing = true;
        m->ctx.TryCancel();
        if (m->stalled) m->resume_alarm.Cancel();
      }
    });
  }
  const bool drained = wait_for([&] {
    for (auto& s : shards_) {
      if (s->live.load() > 0 || s->in_flight.load() > 0 || s->pacing.load()) return false;
    }
    return true;
  }, std::chrono::seconds(20));
  if (!drained) std::fprintf(stderr, "chatbench: some sessions did not end in time\n");
  for (auto& s : shards_) {
    s->waker.close();
    s->cq.Shutdown();
  }
  for (auto& s : shards_) s->thread.join();
}

}  // namespace chatbench
