// CeilingServer is the reference chatbench compares chatcore with: the same chatcore.v1.Chat
// subset on a bare one-thread completion-queue server, with no chat logic, history or checks.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace chatbench {

struct CeilingOptions {
  bool batched = true;  // events queued in a loop turn leave in one write; else one per write
  bool upload_to_disk = true;  // and hashed; else uploads are discarded unhashed
  std::filesystem::path dir;   // where uploads are written
  unsigned chunk_size = 64 * 1024;
};

class CeilingServer {
 public:
  explicit CeilingServer(CeilingOptions options);
  ~CeilingServer();  // stops the server and joins its thread
  CeilingServer(const CeilingServer&) = delete;
  CeilingServer& operator=(const CeilingServer&) = delete;

  bool start();  // binds 127.0.0.1:0 and starts the loop thread
  std::string address() const;
  int port() const;
  double thread_cpu_s() const;  // CPU of the loop thread

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace chatbench
