#include "log_nats.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>

namespace chatcore::cluster::test {

bool LogNats::available() { return std::system("nats-server --version >/dev/null 2>&1") == 0; }

LogNats::LogNats(std::filesystem::path store_dir) : store_dir_(std::move(store_dir)) { start(); }

LogNats::~LogNats() { stop(); }

void LogNats::start() {
  REQUIRE(pid_ < 0);
  {
    const std::lock_guard lock(mu_);
    lines_.clear();
    eof_ = false;
  }
  std::vector<std::string> args{"nats-server", "-a", "127.0.0.1", "-p", std::to_string(port_),
                                "-js", "-sd", store_dir_.string()};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  REQUIRE(::pipe(out) == 0);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  reader_ = std::thread([this, fd = out[0]] { read_lines(fd); });
  const auto line = wait_for_line("Listening for client connections on");
  std::smatch m;
  REQUIRE(std::regex_search(line, m, std::regex("127\\.0\\.0\\.1:(\\d+)")));
  port_ = std::stoi(m[1].str());
  wait_for_line("Server is ready");
}

void LogNats::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  reader_.join();
}

std::string LogNats::wait_for_line(const std::string& needle) {
  std::unique_lock lock(mu_);
  std::string found;
  cv_.wait_for(lock, std::chrono::seconds(20), [&] {
    for (const auto& line : lines_) {
      if (line.find(needle) != std::string::npos) {
        found = line;
        return true;
      }
    }
    return eof_;
  });
  REQUIRE_MESSAGE(!found.empty(), "nats-server never logged '" << needle << "'");
  return found;
}

void LogNats::read_lines(int fd) {
  std::string pending;
  char buf[4096];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      const std::lock_guard lock(mu_);
      lines_.push_back(pending.substr(0, nl));
      pending.erase(0, nl + 1);
      cv_.notify_all();
    }
  }
  ::close(fd);
  const std::lock_guard lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

}  // namespace chatcore::cluster::test
