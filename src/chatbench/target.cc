#include "chatbench/target.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>

#include "chatbench/ceiling_server.h"
#include "chatbench/stats.h"
#include "util/log.h"

namespace chatbench {

namespace {
// The benchmark is one client address sending as fast as it can: flood protection and the
// per-address session limit (where this server version has them) are turned off.
template <class C>
void without_flood_limits(C& c) {
  if constexpr (requires { c.message_rate; }) c.message_rate = {0, 0};
  if constexpr (requires { c.command_rate; }) c.command_rate = {0, 0};
  if constexpr (requires { c.max_sessions_per_peer; }) c.max_sessions_per_peer = 0;
  if constexpr (requires { c.max_room_members; }) c.max_room_members = 1000000;
}
}  // namespace

chatcore::Config bench_config(const std::string& storage_dir) {
  chatcore::Config config;
  config.listen = "127.0.0.1:0";
  config.storage_dir = storage_dir;
  // The database beside the files, so runs never share one.
  config.data_dir = std::filesystem::path(storage_dir) / "data";
  config.limits.max_file_size = std::uint64_t{4} << 30;
  config.shutdown_grace = std::chrono::milliseconds(500);
  config.server_name = "chatd-bench";
  without_flood_limits(config);
  return config;
}

std::unique_ptr<ChatTarget> ChatTarget::start(const Options& options, Kind kind,
                                              const std::string& storage_dir) {
  std::unique_ptr<ChatTarget> t(new ChatTarget);
  t->kind_ = kind;
  if (kind == Kind::external) {
    t->address_ = options.server;
    t->pid_ = options.server_pid > 0 ? options.server_pid : -1;
    return t;
  }
  // Every server starts on an empty database, so repeated runs never measure a store grown
  // by the runs before them; ~ChatTarget removes it.
  static std::atomic<int> runs{0};
  t->dir_ = storage_dir + "-" + std::to_string(runs++);
  std::error_code ec;
  std::filesystem::remove_all(t->dir_, ec);
  if (kind == Kind::in_process) {
    chatcore::log::set_level(chatcore::log::Level::warn);
    chatcore::Config config = bench_config(t->dir_);
    if (options.history > 0) config.limits.history = static_cast<std::uint32_t>(options.history);
    t->server_ = std::make_unique<chatcore::Server>(config);
    if (auto st = t->server_->start(); !st.ok()) {
      std::fprintf(stderr, "chatbench: cannot start the server: %s\n", st.message.c_str());
      return nullptr;
    }
    t->address_ = "127.0.0.1:" + std::to_string(t->server_->port());
    return t;
  }
  std::vector<std::string> argv;
  if (!options.callgrind_out.empty()) {
    argv = {"valgrind", "--tool=callgrind", "-q", "--callgrind-out-file=" + options.callgrind_out};
  }
  for (const char* a : {options.self_exe.c_str(), "serve", "--dir", t->dir_.c_str()}) {
    argv.emplace_back(a);
  }
  if (options.history > 0) {
    argv.emplace_back("--history");
    argv.emplace_back(std::to_string(options.history));
  }
  t->child_ = ChildServer::start(argv);
  if (!t->child_) return nullptr;
  t->pid_ = t->child_->pid();
  t->address_ = t->child_->address();
  return t;
}

ChatTarget::~ChatTarget() {
  if (server_) server_->shutdown("benchmark done");
  server_.reset();
  child_.reset();  // the server has exited before its data dir goes
  if (dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

double ChatTarget::cpu_s(double client_cpu_s) const {
  switch (kind_) {
    case Kind::in_process:
      return process_cpu_s() - client_cpu_s;
    case Kind::child:
    case Kind::external:
      break;
  }
  return pid_ > 0 ? proc_cpu_s(pid_) : -1;
}

long ChatTarget::rss_kib() const { return pid_ > 0 ? proc_rss_kib(pid_) : -1; }

namespace {
// Before any thread starts, so that only sigwait() sees them.
sigset_t block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return set;
}

void announce_port(int port) {
  std::printf("PORT %d\n", port);
  std::fflush(stdout);
}
}  // namespace

int serve_ceiling_child(const Options& options) {
  const sigset_t set = block_stop_signals();
  CeilingServer ceiling(
      {.batched = !options.ceiling_one_event, .upload_to_disk = false, .dir = options.dir});
  if (!ceiling.start()) {
    std::fprintf(stderr, "chatbench serve-ceiling: cannot start\n");
    return 1;
  }
  announce_port(ceiling.port());
  int sig = 0;
  sigwait(&set, &sig);
  return 0;
}

int serve_child(const Options& options) {
  const sigset_t set = block_stop_signals();
  chatcore::log::set_level(chatcore::log::Level::warn);
  chatcore::Config config = bench_config(options.dir);
  // resume and restart keep every message they send, as chatd's --history-keep would.
  if (options.history > 0) config.limits.history = static_cast<std::uint32_t>(options.history);
  chatcore::Server server(config);
  if (auto st = server.start(); !st.ok()) {
    std::fprintf(stderr, "chatbench serve: %s\n", st.message.c_str());
    return 1;
  }
  announce_port(server.port());
  int sig = 0;
  sigwait(&set, &sig);
  server.shutdown("benchmark done");
  return 0;
}

}  // namespace chatbench
