#include "line_reader.h"

#include <unistd.h>

namespace chatcore::test {

LineReader::LineReader(int fd) : thread_([this, fd] { read_all(fd); }) {}

LineReader::~LineReader() {
  if (thread_.joinable()) thread_.join();
}

std::optional<std::string> LineReader::wait_for(const std::string& needle,
                                                const std::string& other,
                                                std::chrono::milliseconds wait,
                                                std::size_t from) {
  std::unique_lock lock(mu_);
  std::optional<std::string> found;
  cv_.wait_for(lock, wait, [&] {
    for (std::size_t i = from; i < lines_.size(); ++i) {
      const auto& line = lines_[i];
      if (line.find(needle) != std::string::npos ||
          (!other.empty() && line.find(other) != std::string::npos)) {
        found = line;
        return true;
      }
    }
    from = lines_.size();  // lines already looked at need no second look
    return eof_;
  });
  return found;
}

std::size_t LineReader::count() {
  const std::lock_guard lock(mu_);
  return lines_.size();
}

std::vector<std::string> LineReader::lines() {
  const std::lock_guard lock(mu_);
  return lines_;
}

std::vector<std::string> LineReader::all_lines() {
  if (thread_.joinable()) thread_.join();
  return lines();
}

void LineReader::read_all(int fd) {
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

}  // namespace chatcore::test
