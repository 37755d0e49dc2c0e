#include "chatd_process.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace chatcore::hardening {
namespace {
std::string tail(const std::vector<std::string>& lines) {
  std::string out;
  for (std::size_t i = lines.size() > 5 ? lines.size() - 5 : 0; i < lines.size(); ++i) {
    out += "\n  " + lines[i];
  }
  return out;
}
}  // namespace

ChatdProcess::ChatdProcess(const std::filesystem::path& storage, rlim_t fds,
                           const std::vector<std::string>& extra,
                           const std::vector<std::string>& wrapper) {
  const char* chatd = std::getenv("CHATD");
  REQUIRE_MESSAGE(chatd != nullptr, "CHATD must name the chatd binary");
  std::vector<std::string> args = wrapper;
  // The database in a subdirectory of the test's own dir, so no two tests share one.
  // An address of the test's own in `extra` replaces the default of any free port.
  const bool own_listen = std::find(extra.begin(), extra.end(), "--listen") != extra.end();
  args.push_back(chatd);
  if (!own_listen) args.insert(args.end(), {"--listen", "127.0.0.1:0"});
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
  log_ = std::make_unique<test::LineReader>(out[0]);
  const auto line = log_->wait_for("listening on 127.0.0.1:");
  if (!line) {
    // A chatd that never serves is ended here: the reader waits for its pipe to close.
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    FAIL("chatd never logged 'listening on', its last lines: " << tail(log_->all_lines()));
  }
  std::smatch m;
  REQUIRE(std::regex_search(*line, m, std::regex("listening on 127\\.0\\.0\\.1:(\\d+)")));
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
  }
  return log_->all_lines();
}

std::string ChatdProcess::wait_for_line(const std::string& needle, const std::string& other) {
  const auto found = log_->wait_for(needle, other);
  REQUIRE_MESSAGE(found.has_value(), "chatd never logged '" << needle << "'");
  return *found;
}

}  // namespace chatcore::hardening
