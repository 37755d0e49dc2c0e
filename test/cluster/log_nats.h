// LogNats: one real nats-server with JetStream as a child process (any free loopback port,
// its store in a dir of the test's), for the command log's tests; stopped and started again
// on the same port and store, as a NATS outage and its end.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace chatcore::cluster::test {

class LogNats {
 public:
  // Whether nats-server can be run here; the test program exits 77 when not.
  static bool available();

  explicit LogNats(std::filesystem::path store_dir);
  ~LogNats();
  LogNats(const LogNats&) = delete;
  LogNats& operator=(const LogNats&) = delete;

  std::string url() const { return "nats://127.0.0.1:" + std::to_string(port_); }
  // SIGTERM, and waits for the process to end.
  void stop();
  // On the port and store of the first start; returns once the server is ready.
  void start();

 private:
  void read_lines(int fd);
  std::string wait_for_line(const std::string& needle);

  std::filesystem::path store_dir_;
  int port_ = -1;  // -1: let the server pick
  pid_t pid_ = -1;
  std::thread reader_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool eof_ = false;
};

}  // namespace chatcore::cluster::test
