// Helpers for the hardening tests: raw gRPC calls that chatcore::Client would never make,
// bounded polling that uses server round trips instead of sleeps, and storage dir checks.
#pragma once

#include <chatcore/client.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../integration/harness.h"
#include "chatcore/v1/chat.grpc.pb.h"

namespace chatcore::hardening {

using test::TestServer;
using test::TestUser;

// A plaintext channel of its own (not shared with any other channel in the process).
std::shared_ptr<grpc::Channel> raw_channel(const std::string& address);

// A session opened with the generated stub: reads exactly the first EventBatch (the Welcome)
// to learn the token, and after that reads nothing unless the test asks it to.
class RawSession {
 public:
  RawSession(const std::string& address, const std::string& nickname);
  // On a channel the test set up itself (its own flow-control settings, say).
  RawSession(std::shared_ptr<grpc::Channel> channel, const std::string& nickname);
  // Only the status of a refused login; the constructor REQUIREs success otherwise.
  static grpc::Status refused(const std::string& address, const std::string& nickname);

  v1::Chat::Stub& stub() { return *stub_; }
  const std::string& token() const { return token_; }
  grpc::ClientContext& context() { return ctx_; }
  // Reads what the server still sends, then the stream's final status.
  grpc::Status drain_and_finish(std::size_t* events_read = nullptr);

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Chat::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReader<v1::EventBatch>> reader_;
  std::string token_;
};

// A client-streaming Upload driven message by message.
class RawUpload {
 public:
  explicit RawUpload(const std::string& address);
  void meta(const std::string& token, const std::string& name, std::uint64_t size,
            const std::string& room, const std::string& recipient = {});
  void chunk(std::string bytes);
  // Any raw message (metadata twice, chunks first, ...).
  bool write(const v1::UploadRequest& request);
  grpc::Status finish();  // WritesDone, then the server's answer
  void cancel() { ctx_.TryCancel(); }
  const v1::UploadResponse& response() const { return response_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Chat::Stub> stub_;
  grpc::ClientContext ctx_;
  v1::UploadResponse response_;
  std::unique_ptr<grpc::ClientWriter<v1::UploadRequest>> writer_;
};

// Repeats `attempt` until it returns true, at most `tries` times, with a round trip through
// the server (`round_trip`) between attempts. Returns whether it ever succeeded.
bool poll(const std::function<bool()>& attempt, const std::function<void()>& round_trip,
          int tries = 200);

// The names of the regular files in the server's storage dir.
std::set<std::string> stored_names(const TestServer& server);
// Checks the storage dir holds exactly the files with these ids (no .part, nothing else).
void expect_stored(const TestServer& server, const std::set<std::string>& ids);
// Like expect_stored, but first polls (cleanup after a cancellation runs on the disk pool).
void expect_stored_eventually(TestServer& server, const std::set<std::string>& ids);

// Whether process `pid` (0: this one) has an upload's file open in `storage`: an unnamed
// (O_TMPFILE) one or a named ".part". Such files have no name a directory listing shows.
bool upload_file_open(const std::filesystem::path& storage, int pid = 0);

// A random blob of `size` bytes written to `dir/name`.
std::filesystem::path make_file(const test::TempDir& dir, const std::string& name,
                                std::size_t size);

std::string status_text(const grpc::Status& status);

// Starts this test binary again with `args` as a child process and waits (up to 30 s) for
// it to print `line` on its stdout; returns its pid.
int spawn_self(const std::vector<std::string>& args, const std::string& line);

}  // namespace chatcore::hardening
