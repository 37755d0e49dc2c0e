// LineReader: the lines a child process writes to a pipe (its stderr), collected on a thread
// of their own, so that a test can wait for a log line instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace chatcore::test {

class LineReader {
 public:
  // Reads `fd` (the parent's end of the child's pipe, owned from here on) until EOF.
  explicit LineReader(int fd);
  // Waits for EOF: end the child first, or this waits for it.
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The first line from number `from` on that contains `needle` (or `other`, when not empty),
  // waiting up to `wait` for it; nothing when none came before the timeout or EOF.
  std::optional<std::string> wait_for(const std::string& needle, const std::string& other = {},
                                      std::chrono::milliseconds wait = std::chrono::seconds(20),
                                      std::size_t from = 0);
  // How many lines came so far: a `from` for lines still to come.
  std::size_t count();
  std::vector<std::string> lines();
  // Every line, once the child closed its end (it ended): what it wrote up to its last word.
  std::vector<std::string> all_lines();

 private:
  void read_all(int fd);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  std::thread thread_;
};

}  // namespace chatcore::test
