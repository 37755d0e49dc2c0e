#include "nats_cluster.h"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

namespace chatcore::cluster_test {
namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
// Readiness is polled, not awaited: a server offers no event to wait for but its endpoint.
constexpr auto poll_interval = std::chrono::milliseconds(50);

// One GET on the monitoring port; the status code and the body, or {0, ""} when nothing
// answers.
std::pair<int, std::string> get(int port, const std::string& target) {
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    http::request<http::empty_body> request(http::verb::get, target, 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::connection, "close");
    http::write(socket, request);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return {static_cast<int>(response.result_int()), response.body()};
  } catch (const std::exception&) {
    return {0, {}};
  }
}

}  // namespace

bool NatsCluster::available() {
  return std::system("nats-server --version >/dev/null 2>&1") == 0;
}

NatsCluster::NatsCluster(int size, bool announce) : announce_(announce) {
  REQUIRE_MESSAGE((size == 1 || size == 3), "a NATS cluster here has 1 or 3 servers");
  const auto base = std::filesystem::temp_directory_path() / "chatcore-nats-XXXXXX";
  std::string pattern = base.string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  dir_ = pattern;
  const auto ports = free_ports(3 * size);
  servers_.resize(static_cast<std::size_t>(size));
  for (int i = 0; i < size; ++i) {
    servers_[i] = {ports[3 * i], ports[3 * i + 1], ports[3 * i + 2], -1, nullptr};
  }
  try {
    for (int i = 0; i < size; ++i) spawn(i);
    for (int i = 0; i < size; ++i) wait_ready(i);
  } catch (...) {
    // No destructor runs for a half-built cluster: its servers end here, or their log
    // readers would wait for them for ever.
    for (int i = 0; i < size; ++i) {
      if (running(i)) end(i, SIGKILL);
    }
    throw;
  }
}

NatsCluster::~NatsCluster() {
  for (int i = 0; i < size(); ++i) {
    if (running(i)) end(i, SIGKILL);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string NatsCluster::url(int i) const {
  return "nats://127.0.0.1:" + std::to_string(servers_[i].client_port);
}

std::string NatsCluster::urls() const {
  std::string out;
  for (int i = 0; i < size(); ++i) out += (i ? "," : "") + url(i);
  return out;
}

void NatsCluster::spawn(int i) {
  const auto& s = servers_[i];
  const auto data = dir_ / name(i);
  std::vector<std::string> args = {"nats-server", "-a", "127.0.0.1",
                                   "-p", std::to_string(s.client_port),
                                   "-m", std::to_string(s.monitor_port),
                                   "-n", name(i),
                                   "-js", "-sd", data.string()};
  if (!announce_) args.emplace_back("--no_advertise");
  if (size() > 1) {
    std::string routes;
    for (int j = 0; j < size(); ++j) {
      routes += (j ? ",nats://127.0.0.1:" : "nats://127.0.0.1:") +
                std::to_string(servers_[j].cluster_port);
    }
    args.insert(args.end(), {"--cluster_name", "chatcore-test", "--cluster",
                             "nats://127.0.0.1:" + std::to_string(s.cluster_port), "--routes",
                             routes});
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  servers_[i].pid = pid;
  servers_[i].log = std::make_unique<test::LineReader>(out[0]);
}

// "Server is ready" comes once it accepts clients; /healthz answers 200 only once, with
// JetStream in a cluster, it also has contact with a metadata leader, which no line tells.
void NatsCluster::wait_ready(int i) const {
  const auto& s = servers_[i];
  const auto ready = s.log->wait_for("Server is ready", {}, std::chrono::seconds(30));
  int status = 0;
  const auto lines = s.log->lines();
  REQUIRE_MESSAGE((ready && ::waitpid(s.pid, &status, WNOHANG) == 0),
                  "nats-server " << name(i) << " did not start; it logged: "
                                 << (lines.empty() ? "nothing" : lines.back()));
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    if (get(servers_[i].monitor_port, "/healthz").first == 200) return;
    std::this_thread::sleep_for(poll_interval);
  }
  FAIL("nats-server " << name(i) << " was not ready within 30 s");
}

std::string NatsCluster::monitor(int i, const std::string& path) const {
  if (!running(i)) return {};
  return get(servers_[i].monitor_port, path).second;
}

std::string NatsCluster::wait_for_leader(int seconds) const {
  static const std::regex leader_re("\"leader\":\\s*\"([^\"]+)\"");
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < deadline) {
    std::string agreed;
    bool all = true;
    for (int i = 0; i < size() && all; ++i) {
      if (!running(i)) continue;
      std::smatch m;
      const auto jsz = monitor(i, "/jsz");
      if (size() == 1) {
        // A lone server is its own metadata layer once it is healthy.
        all = get(servers_[i].monitor_port, "/healthz").first == 200;
        agreed = name(i);
      } else if (std::regex_search(jsz, m, leader_re) && (agreed.empty() || agreed == m[1])) {
        agreed = m[1];
      } else {
        all = false;
      }
    }
    bool leader_running = false;
    for (int i = 0; i < size(); ++i) leader_running |= running(i) && name(i) == agreed;
    if (all && leader_running) return agreed;
    std::this_thread::sleep_for(poll_interval);
  }
  return {};
}

std::string NatsCluster::wait_for_stream(const std::string& stream, int seconds) const {
  // The leader's own view: its followers, each "current" once it holds the leader's log.
  const std::regex leader_re("\"name\":\\s*\"" + stream +
                             "\"[^\\]]*?\"leader\":\\s*\"([^\"]+)\",\\s*\"replicas\":\\s*\\[([^\\]]*)\\]");
  static const std::regex current_re("\"current\":\\s*(true|false)");
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < deadline) {
    for (int i = 0; i < size(); ++i) {
      std::smatch m;
      const auto jsz = monitor(i, "/jsz?streams=true");
      if (!std::regex_search(jsz, m, leader_re) || m[1] != name(i)) continue;
      const std::string replicas = m[2];
      int current = 0;
      int behind = 0;
      for (std::sregex_iterator it(replicas.begin(), replicas.end(), current_re), end; it != end;
           ++it) {
        ((*it)[1] == "true" ? current : behind)++;
      }
      if (behind == 0 && current == size() - 1) return name(i);
    }
    std::this_thread::sleep_for(poll_interval);
  }
  return {};
}

void NatsCluster::end(int i, int signal) {
  auto& s = servers_[i];
  REQUIRE(s.pid > 0);
  ::kill(s.pid, signal);
  int status = 0;
  ::waitpid(s.pid, &status, 0);
  s.pid = -1;
}

void NatsCluster::stop(int i) { end(i, SIGTERM); }

void NatsCluster::kill(int i) { end(i, SIGKILL); }

void NatsCluster::restart(int i) {
  REQUIRE_MESSAGE(!running(i), "restart a stopped server only");
  spawn(i);
  wait_ready(i);
}

}  // namespace chatcore::cluster_test
