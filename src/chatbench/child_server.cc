#include "chatbench/child_server.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

namespace chatbench {

std::unique_ptr<ChildServer> ChildServer::start(const std::vector<std::string>& argv) {
  int fds[2];
  if (argv.empty() || ::pipe(fds) != 0) return nullptr;
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return nullptr;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive an interrupted benchmark
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execvp(args[0], args.data());
    std::_Exit(127);
  }
  ::close(fds[1]);
  std::unique_ptr<ChildServer> child(new ChildServer);
  child->pid_ = pid;
  std::string line;
  char c = 0;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line += c;
  ::close(fds[0]);
  if (line.rfind("PORT ", 0) != 0) {
    std::fprintf(stderr, "chatbench: the child server (%s) did not start\n", argv[0].c_str());
    return nullptr;  // the destructor reaps it
  }
  child->port_ = std::stoi(line.substr(5));
  return child;
}

void ChildServer::kill_now() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

ChildServer::~ChildServer() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 3000; ++i) {  // valgrind needs long to exit
    if (::waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
}

}  // namespace chatbench
