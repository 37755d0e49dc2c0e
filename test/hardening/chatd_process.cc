#include "chatd_process.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace chatcore::hardening {

ChatdProcess::ChatdProcess(const std::filesystem::path& storage, rlim_t fds,
                           const std::vector<std::string>& extra,
                           const std::vector<std::string>& wrapper) {
  const char* chatd = std::getenv("CHATD");
  REQUIRE_MESSAGE(chatd != nullptr, "CHATD must name the chatd binary");
  std::vector<std::string> args = wrapper;
  args.push_back(chatd);
  // A restart on the same port passes its own --listen.
  if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) {
    args.insert(args.end(), {"--listen", "127.0.0.1:0"});
  }
  // The database in a subdirectory of the test's own dir, so no two tests share one.
  args.insert(args.end(), {"--storage-dir", storage.string(),
                           "--data-dir", (storage / "db").string(),
                           "--max-sessions-per-peer", "0", "--command-rate", "0"});
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  REQUIRE(::pipe(out) == 0);
  pid_ = ::fork();
  REQUIRE(pid_ >= 0);
  if (pid_ == 0) {
    if (fds != 0) {
      const rlimit limit{fds, fds};
      ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    ::dup2(out[1], 2);
    ::close(out[0]);
    ::close(out[1]);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  reader_ = std::thread([this, fd = out[0]] { read_lines(fd); });
  const auto line = wait_for_line("listening on 127.0.0.1:");
  std::smatch m;
  REQUIRE(std::regex_search(line, m, std::regex("listening on 127\\.0\\.0\\.1:(\\d+)")));
  address_ = "127.0.0.1:" + m[1].str();
  port_ = std::stoi(m[1].str());
}

ChatdProcess::~ChatdProcess() { stop(); }

std::vector<std::string> ChatdProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    reader_.join();
  }
  const std::lock_guard lock(mu_);
  return lines_;
}

std::string ChatdProcess::wait_for_line(const std::string& needle, const std::string& other) {
  std::unique_lock lock(mu_);
  std::string found;
  const bool ok = cv_.wait_for(lock, std::chrono::seconds(20), [&] {
    for (const auto& line : lines_) {
      if (line.find(needle) != std::string::npos ||
          (!other.empty() && line.find(other) != std::string::npos)) {
        found = line;
        return true;
      }
    }
    return eof_;
  });
  const bool seen = ok && !found.empty();
  REQUIRE_MESSAGE(seen, "chatd never logged '" << needle << "'");
  return found;
}

void ChatdProcess::read_lines(int fd) {
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

}  // namespace chatcore::hardening
