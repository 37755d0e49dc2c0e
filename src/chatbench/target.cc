#include "chatbench/target.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

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
    return t;
  }
  if (kind == Kind::in_process) {
    chatcore::log::set_level(chatcore::log::Level::warn);
    t->server_ = std::make_unique<chatcore::Server>(bench_config(storage_dir));
    if (auto st = t->server_->start(); !st.ok()) {
      std::fprintf(stderr, "chatbench: cannot start the server: %s\n", st.message.c_str());
      return nullptr;
    }
    t->address_ = "127.0.0.1:" + std::to_string(t->server_->port());
    return t;
  }
  int fds[2];
  if (::pipe(fds) != 0) return nullptr;
  const pid_t pid = ::fork();
  if (pid < 0) return nullptr;
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    if (options.callgrind_out.empty()) {
      ::execl(options.self_exe.c_str(), "chatbench", "serve", "--dir", storage_dir.c_str(),
              static_cast<char*>(nullptr));
    } else {
      const std::string out = "--callgrind-out-file=" + options.callgrind_out;
      ::execlp("valgrind", "valgrind", "--tool=callgrind", "-q", out.c_str(),
               options.self_exe.c_str(), "serve", "--dir", storage_dir.c_str(),
               static_cast<char*>(nullptr));
    }
    std::_Exit(127);
  }
  ::close(fds[1]);
  t->pid_ = pid;
  std::string line;
  char c = 0;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  if (line.rfind("PORT ", 0) != 0) {
    std::fprintf(stderr, "chatbench: the child server did not start\n");
    return nullptr;
  }
  t->address_ = "127.0.0.1:" + line.substr(5);
  return t;
}

ChatTarget::~ChatTarget() {
  if (server_) server_->shutdown("benchmark done");
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 3000; ++i) {  // valgrind needs long to exit
      if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
}

double ChatTarget::cpu_s(double client_cpu_s) const {
  switch (kind_) {
    case Kind::in_process:
      return process_cpu_s() - client_cpu_s;
    case Kind::child:
      return proc_cpu_s(pid_);
    case Kind::external:
      break;
  }
  return -1;
}

long ChatTarget::rss_kib() const { return kind_ == Kind::child ? proc_rss_kib(pid_) : -1; }

int serve_child(const Options& options) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // before any thread starts
  std::signal(SIGPIPE, SIG_IGN);
  chatcore::log::set_level(chatcore::log::Level::warn);
  chatcore::Server server(bench_config(options.dir));
  if (auto st = server.start(); !st.ok()) {
    std::fprintf(stderr, "chatbench serve: %s\n", st.message.c_str());
    return 1;
  }
  std::printf("PORT %d\n", server.port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  server.shutdown("benchmark done");
  return 0;
}

}  // namespace chatbench
