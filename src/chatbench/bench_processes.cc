#include "chatbench/bench_processes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

namespace chatbench {
namespace {
using Clock = std::chrono::steady_clock;
// Neither nats-server nor chatd offers an event to wait for but its port: poll it.
constexpr auto kPoll = std::chrono::milliseconds(20);
constexpr auto kStartLimit = std::chrono::seconds(30);

// The child's stdout and stderr go to `log`; it dies with chatbench.
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
  }
  ::execvp(argv[0], argv.data());
  std::_Exit(127);
}

void end(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int status = 0;
  const auto until = Clock::now() + std::chrono::seconds(10);
  while (Clock::now() < until) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
}

bool exited(pid_t pid) {
  int status = 0;
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

// Polls `ready` until it holds; false when the process exits first (then `pid` becomes -1,
// as it is reaped) or the limit passes.
bool await(pid_t& pid, const std::function<bool()>& ready) {
  if (pid <= 0) return false;  // fork failed; waitpid(-1) would reap another child
  const auto until = Clock::now() + kStartLimit;
  while (Clock::now() < until) {
    if (ready()) return true;
    if (exited(pid)) {
      pid = -1;
      return false;
    }
    std::this_thread::sleep_for(kPoll);
  }
  return false;
}

// Whether the file holds `text` (a server's log line).
bool logged(const std::string& path, const std::string& text) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

bool NatsServers::available() {
  return std::system("nats-server --version >/dev/null 2>&1") == 0;
}

std::unique_ptr<NatsServers> NatsServers::start(int size, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::unique_ptr<NatsServers> n(new NatsServers);
  const auto ports = free_ports(3 * size);
  for (int i = 0; i < size; ++i) {
    n->servers_.push_back({ports[3 * i], ports[3 * i + 1], ports[3 * i + 2], -1, {}});
  }
  std::string routes;
  for (const auto& s : n->servers_) {
    if (!routes.empty()) routes += ',';
    routes += fmt::format("nats://127.0.0.1:{}", s.cluster_port);
  }
  for (int i = 0; i < size; ++i) {
    auto& s = n->servers_[static_cast<std::size_t>(i)];
    const std::string name = fmt::format("n{}", i + 1);
    const auto data = std::filesystem::path(dir) / name;
    std::vector<std::string> args = {"nats-server", "-a", "127.0.0.1",
                                     "-p", std::to_string(s.client_port),
                                     "-m", std::to_string(s.monitor_port),
                                     "-n", name, "-js", "-sd", data.string()};
    if (size > 1) {
      args.insert(args.end(), {"--cluster_name", "chatbench", "--cluster",
                               "nats://127.0.0.1:" + std::to_string(s.cluster_port),
                               "--routes", routes});
    }
    s.log = data.string() + ".log";
    s.pid = spawn(args, s.log);
  }
  for (auto& s : n->servers_) {
    // Routed servers must also have elected a JetStream metadata leader ("Self is new
    // JetStream cluster metadata leader" or "... new metadata leader: NAME"); before that a
    // node's stream set-up times out.
    const std::string log = s.log;
    const auto ready = [&] {
      return logged(log, "Server is ready") && (size == 1 || logged(log, "metadata leader"));
    };
    if (!await(s.pid, ready)) {
      std::fprintf(stderr, "chatbench: nats-server was not ready in time (logs in %s)\n",
                   dir.c_str());
      return nullptr;
    }
  }
  return n;
}

NatsServers::~NatsServers() {
  for (const auto& s : servers_) end(s.pid);
}

std::string NatsServers::urls() const {
  std::string out;
  for (const auto& s : servers_) {
    if (!out.empty()) out += ',';
    out += fmt::format("nats://127.0.0.1:{}", s.client_port);
  }
  return out;
}

std::vector<pid_t> NatsServers::pids() const {
  std::vector<pid_t> out;
  for (const auto& s : servers_) out.push_back(s.pid);
  return out;
}

std::unique_ptr<ChatdNode> ChatdNode::start(const std::string& chatd, const std::string& nats_urls,
                                            const std::string& node_id, const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::unique_ptr<ChatdNode> node(new ChatdNode);
  node->port_ = free_ports(1).front();
  const std::string address = "127.0.0.1:" + std::to_string(node->port_);
  // As the chatcore servers of the other scenarios: one client address sends as fast as it
  // can, so flood protection and the per-address session limit are off. Info, for the line
  // that says it serves: its port accepts connections (into the backlog) already while the
  // node is still setting up the stream and catching up, so a connect proves nothing.
  const std::vector<std::string> args = {
      chatd, "--listen", address, "--advertise", address, "--cluster", nats_urls,
      "--node-id", node_id, "--storage-dir", dir, "--data-dir", dir + "/db",
      "--max-sessions-per-peer", "0", "--message-rate", "0", "--command-rate", "0",
      "--log-level", "info"};
  const std::string serving = "listening on " + address;
  // A node that starts while another sets the stream up on a busy three-server NATS may see
  // its own set-up time out and exit: start it again, as a service manager would.
  bool up = false;
  for (int attempt = 0; attempt < 3 && !up && node->pid_ <= 0; ++attempt) {
    const std::string log = dir + (attempt ? fmt::format("/chatd.{}.log", attempt) : "/chatd.log");
    node->pid_ = spawn(args, log);
    up = await(node->pid_, [&] { return logged(log, serving); });
  }
  if (!up) {
    std::fprintf(stderr, "chatbench: chatd node %s did not start (see %s/chatd.log)\n",
                 node_id.c_str(), dir.c_str());
    return nullptr;
  }
  return node;
}

ChatdNode::~ChatdNode() { end(pid_); }

std::string default_chatd(const std::string& self_exe) {
  const auto beside = std::filesystem::path(self_exe).parent_path().parent_path() / "chatd" / "chatd";
  std::error_code ec;
  return std::filesystem::exists(beside, ec) ? beside.string() : std::string("chatd");
}

}  // namespace chatbench
