// ChatService: registers the chat service on a builder, runs the completion-queue loop (with
// its end-of-turn flush) and carries out the shutdown order (tell clients, stop the server
// with a deadline, let every started call free itself, join the disk pool, shut the queue
// down, drain it).
#include <chatcore/service.h>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>

#include <grpc/support/time.h>

#include <atomic>
#include <vector>

#include "cluster/cluster_node.h"
#include "transport/cluster_files.h"
#include "transport/context.h"
#include "transport/session_call.h"
#include "transport/startup_sweep.h"
#include "util/fd_limit.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore {
namespace transport {

namespace {
// The reflection plugin registers itself for every builder in the process as soon as its
// library is loaded; a builder option is the one place that can take it out again.
class WithoutReflection final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    std::erase_if(*plugins, [](const auto& p) { return p->name() == "proto_server_reflection"; });
  }
};

// The database is opened (created, upgraded) before anything is served, so a store that
// cannot be used stops the start with its reason instead of failing the first message.
// With a cluster configured the store is this node's LogStore over the same database file.
Status open_store(ServiceContext& ctx, std::vector<store::StoredUpload>& uploads,
                  std::unique_ptr<cluster::ClusterNode>& node) {
  std::error_code ec;
  std::filesystem::create_directories(ctx.config.data_dir, ec);
  if (ec) {
    return Status(Code::failed_precondition, fmt::format("cannot create data dir {}: {}",
                                                         ctx.config.data_dir.string(), ec.message()));
  }
  // Completions are posted only after the loop started them, when the Waker exists.
  store::Post post = [&ctx](std::function<void()> fn) { ctx.waker->post(std::move(fn)); };
  if (!ctx.config.cluster.servers.empty()) {
    auto connected = cluster::ClusterNode::connect(ctx.config);
    if (!connected.ok()) return connected.status();
    node = std::move(*connected);
    ctx.metrics.node_id = ctx.config.cluster.node_id;
    ctx.metrics.nats_connected.set(node->connected() ? 1 : 0);
    auto opened = node->open_store(ctx.store_path, std::move(post), ctx.hub);
    if (!opened.ok()) return opened.status();
    ctx.store = std::move(*opened);
    auto files = ClusterFiles::open(ctx.config, *node);
    if (!files.ok()) return files.status();
    ctx.cluster_files = std::move(*files);
  } else {
    auto opened = store::SqliteStore::open(
        {.path = ctx.store_path, .durability = ctx.config.durability}, std::move(post));
    if (!opened.ok()) return opened.status();
    ctx.store = std::move(*opened);
  }
  log::info("store {}: {}", ctx.store_path.string(), ctx.store->describe());
  // The one blocking read: the hub starts from what the store kept.
  auto snapshot = ctx.store->load(ctx.config.limits.history);
  if (!snapshot.ok()) return snapshot.status();
  ctx.hub.attach_store(ctx.store.get(), *snapshot);
  uploads = std::move(snapshot->uploads);
  return {};
}
// A start that failed after the queue was made: nothing runs what was posted; the queue is
// shut down and drained so that it can be destroyed.
void abandon_queue(ServiceContext& ctx) {
  ctx.waker->close();
  ctx.cq->Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (ctx.cq->Next(&tag, &ok)) {
  }
}
}  // namespace

// Puts where other nodes reach this one in the node registry: --advertise, or else the listen
// address once the port is known, unless that is a wildcard no other machine can dial.
// Blocking, before the loop runs.
void advertise(const ServiceContext& ctx, cluster::ClusterNode& node, int port) {
  std::string address = ctx.config.cluster.advertise;
  if (address.empty()) {
    const auto host = ctx.config.listen.substr(0, ctx.config.listen.rfind(':'));
    if (port == 0 || host.empty() || host == "0.0.0.0" || host == "[::]") {
      log::warn("cluster: no --advertise, so other nodes cannot fetch the files this node "
                "stores");
      return;
    }
    address = fmt::format("{}:{}", host, port);
  }
  if (Status put = node.advertise(address); !put.ok()) {
    log::error("cluster: cannot register this node's address: {}", put.message);
  }
}

// The loop's own state, copied after every event into gauges that a scrape reads from
// another thread.
void publish_metrics(ServiceContext& ctx) {
  auto& m = ctx.metrics;
  m.sessions_online.set(static_cast<std::int64_t>(ctx.hub.session_count()));
  m.rooms.set(static_cast<std::int64_t>(ctx.hub.room_count()));
  m.transfers_in_flight.set(
      static_cast<std::int64_t>(ctx.calls.active("Upload") + ctx.calls.active("Download")));
  m.transfer_buffered_bytes.set(static_cast<std::int64_t>(ctx.transfer_memory.held()));
  m.stored_bytes.set(static_cast<std::int64_t>(ctx.storage.stored()));
  m.stored_files.set(static_cast<std::int64_t>(ctx.hub.file_count()));
  m.guest_sessions.set(static_cast<std::int64_t>(ctx.hub.guest_count()));
}

}  // namespace transport

struct ChatService::Impl {
  explicit Impl(Config config) : ctx(std::move(config)) {}
  // The node's threads post to the loop and call the hub: they stop before ctx goes.
  ~Impl() {
    if (node) node->stop();
  }
  // On the loop: a load balancer sends users only to a node that reaches its cluster.
  void report_health() {
    if (!node) return;
    ctx.metrics.nats_connected.set(node->connected() ? 1 : 0);
    if (auto* h = health.load(); h != nullptr) h->SetServingStatus(node->connected());
  }
  // Declared before ctx: the store in ctx uses the node's connection until it is destroyed.
  std::unique_ptr<cluster::ClusterNode> node;
  transport::ServiceContext ctx;
  std::atomic<grpc::HealthCheckServiceInterface*> health{nullptr};
  bool attached = false;
};

ChatService::ChatService(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {
  // Both are read when a ServerBuilder is built; they must be set before the host's builder.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
}

ChatService::~ChatService() = default;

Status ChatService::attach(grpc::ServerBuilder& builder) {
  auto& ctx = impl_->ctx;
  std::vector<store::StoredUpload> uploads;
  const bool clustered = !ctx.config.cluster.servers.empty();
  if (clustered) {
    // A node applies the log while it catches up, posting each change: the queue and its
    // Waker must exist before the store opens.
    ctx.cq = builder.AddCompletionQueue();
    ctx.waker = std::make_unique<transport::Waker>(ctx.cq.get());
  }
  if (auto status = transport::open_store(ctx, uploads, impl_->node); !status.ok()) {
    if (clustered) transport::abandon_queue(ctx);
    return status;
  }
  ctx.max_sessions = ctx.config.max_sessions != 0 ? ctx.config.max_sessions
                                                  : util::sessions_for_fd_limit();
  builder.RegisterService(&ctx.service);
  // The nodes' own service, on the same port: another node fetches the files this one stores.
  if (ctx.cluster_files) builder.RegisterService(&ctx.cluster_files->service);
  if (!ctx.config.reflection) builder.SetOption(std::make_unique<transport::WithoutReflection>());
  // The largest message the protocol needs is one upload chunk plus framing.
  builder.SetMaxReceiveMessageSize(static_cast<int>(ctx.config.limits.chunk_size) + 64 * 1024);
  // Dead peers (cable pulled, process frozen) are noticed by keepalive pings; clients may
  // ping as often as every keepalive_time / 3 without being told off.
  const auto ms = [](std::chrono::milliseconds d) { return static_cast<int>(d.count()); };
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(ctx.config.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(ctx.config.keepalive_timeout));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  // gRPC otherwise spaces data-less pings 5 minutes apart, whatever keepalive_time says.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS,
                             ms(ctx.config.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             ms(ctx.config.keepalive_time) / 3);
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS,
                             ms(ctx.config.handshake_timeout));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS,
                             ms(ctx.config.idle_connection_timeout));
  if (!clustered) {
    ctx.cq = builder.AddCompletionQueue();
    ctx.waker = std::make_unique<transport::Waker>(ctx.cq.get());
  }
  if (impl_->node) {
    impl_->node->set_listener([this] { impl_->ctx.waker->post([this] { impl_->report_health(); }); });
  } else {
    // Only now: dropping a record writes through the store, whose completion needs the
    // Waker. Not in a cluster: the registry also holds files other nodes keep on their disks.
    ctx.hub.drop_missing_files([&ctx](const std::string& id) {
      std::error_code ec;
      return std::filesystem::is_regular_file(ctx.file_path(id), ec);
    });
  }
  if (auto status = transport::sweep_storage(ctx, uploads); !status.ok()) return status;
  impl_->attached = true;
  return {};
}

void ChatService::run() {
  auto& ctx = impl_->ctx;
  transport::arm_connect(ctx);
  transport::arm_unary_calls(ctx);
  transport::arm_upload(ctx);
  transport::arm_download(ctx);
  transport::arm_fetch_file(ctx);
  ctx.retention.start(*ctx.waker);
  // One turn handles every completion that is ready now (at most kTurn), then flushes the
  // sessions that queued events meanwhile: one write each however many events the turn made.
  // A lone event is flushed in the turn that made it, as soon as nothing else is ready.
  constexpr int kTurn = 256;
  const gpr_timespec now = gpr_time_0(GPR_CLOCK_MONOTONIC);
  const gpr_timespec never = gpr_inf_future(GPR_CLOCK_MONOTONIC);
  int handled = 0;
  std::chrono::steady_clock::time_point turn_start;
  for (;;) {
    void* tag = nullptr;
    bool ok = false;
    const auto next = ctx.cq->AsyncNext(&tag, &ok, ctx.flush.empty() ? never : now);
    if (next == grpc::CompletionQueue::SHUTDOWN) break;
    if (next == grpc::CompletionQueue::GOT_EVENT) {
      if (handled == 0) turn_start = std::chrono::steady_clock::now();
      static_cast<transport::Tag*>(tag)->on_event(ok);
      transport::publish_metrics(ctx);
      if (++handled < kTurn) continue;
    }
    ctx.flush.run();
    if (!ctx.sent_this_turn.empty()) {
      const auto flushed = std::chrono::steady_clock::now();
      for (const auto& arrived : ctx.sent_this_turn) {
        ctx.metrics.send_to_write.observe_ns(static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::nanoseconds>(flushed - arrived).count()));
      }
      ctx.sent_this_turn.clear();
    }
    // A turn: from its first event to the end of its flush (an idle wait is not counted).
    if (handled > 0) {
      ctx.metrics.loop_turn.observe_ns(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() -
                                                               turn_start).count()));
      ctx.memory_trim.after_turn(*ctx.waker);
    }
    handled = 0;
  }
}

void ChatService::started(grpc::Server& server, int port) {
  impl_->health = server.GetHealthCheckService();
  impl_->report_health();
  if (impl_->node) transport::advertise(impl_->ctx, *impl_->node, port);
}

std::string ChatService::metrics_text() const { return impl_->ctx.metrics.render(); }

void ChatService::shutdown(grpc::Server& server, const std::string& reason) {
  auto& ctx = impl_->ctx;
  const auto grace = ctx.config.shutdown_grace;
  const auto until = std::chrono::steady_clock::now() + grace;
  log::info("shutting down: {}", reason);

  // 1. Stop re-arming; every client hears why, then its stream ends once flushed.
  ctx.waker->post([&ctx, reason] {
    ctx.calls.begin_shutdown();
    ctx.memory_trim.stop();
    ctx.retention.stop();
    ctx.hub.shutdown(reason);
    std::vector<transport::SessionCall*> open;
    for (const auto& [id, call] : ctx.calls.sessions()) open.push_back(call);
    for (auto* call : open) call->finish_after_flush(grpc::Status::OK);
  });
  if (!ctx.calls.wait_sessions_until(until)) {
    log::warn("some clients did not take their shutdown notice within {} ms", grace.count());
  }

  // 2. Cancel whatever is still running (transfers, slow readers). Not on the loop thread:
  // the loop keeps polling meanwhile.
  const auto left = std::max(until - std::chrono::steady_clock::now(),
                             std::chrono::steady_clock::duration(std::chrono::milliseconds(100)));
  server.Shutdown(std::chrono::system_clock::now() +
                  std::chrono::duration_cast<std::chrono::system_clock::duration>(left));

  // 3. Started calls free themselves (uploads remove partial files on the pool first), for
  // at most 10 s: a call stuck past that must not keep the process from exiting.
  ctx.waker->post([&ctx] { ctx.calls.publish(); });
  if (!ctx.calls.wait_idle_for(std::chrono::seconds(10))) {
    // The counts are loop state: the loop reports them itself.
    ctx.waker->post([&ctx] {
      log::error("{} call(s) still running 10 s after the server stopped ({} sessions;{}); "
                 "shutting down anyway",
                 ctx.calls.active(), ctx.calls.sessions().size(), ctx.calls.describe());
    });
  }

  // 4. No more disk work, no more wake-ups; then the queue drains and run() returns.
  if (impl_->node) {
    impl_->node->set_listener(nullptr);
    impl_->node->stop();
  }
  ctx.io_pool.join();
  // The store's last completions are posted before the Waker stops taking them.
  if (ctx.store) ctx.store->close();
  ctx.waker->close();
  ctx.cq->Shutdown();
}

}  // namespace chatcore
