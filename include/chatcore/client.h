// chatcore::Client is the one way the TUI, the benchmark and the tests talk to a chat server:
// a session with ordered events, the chat commands, and file transfers with progress.
#pragma once

#include <chatcore/event.h>
#include <chatcore/status.h>
#include <chatcore/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace chatcore {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::string client_name = "chatcore-client";
  // TLS: `tls` alone trusts the system's CAs; `ca_file` trusts that CA (PEM) instead.
  // cert_file and key_file present a client certificate (servers started with a client CA).
  bool tls = false;
  std::filesystem::path ca_file;
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  // HTTP/2 keepalive pings, so a dead server or network is noticed while idle.
  std::chrono::milliseconds keepalive_time{30000};
  std::chrono::milliseconds keepalive_timeout{10000};
};

// Called on the client's reader thread, in order, one event at a time.
using EventHandler = std::function<void(const Event&)>;
// Called once on the reader thread when the session stream ends (OK after a shutdown notice,
// CANCELLED after close(), UNAVAILABLE when the connection dropped, ...).
using ClosedHandler = std::function<void(const Status&)>;

struct Progress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
};
// Return false to cancel the transfer.
using ProgressHandler = std::function<bool(const Progress&)>;

struct Destination {
  std::string room;       // either a room...
  std::string recipient;  // ...or one user
};

class Client {
 public:
  // Opens a channel and waits until it is connected. UNAVAILABLE with a readable message when
  // nothing answers at `address` within the timeout.
  static Result<std::unique_ptr<Client>> open(const std::string& address, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Opens the session. On ALREADY_EXISTS or INVALID_ARGUMENT it may be called again.
  // The Welcome event is returned here and also passed to on_event first.
  Result<Welcome> login(const std::string& nickname, EventHandler on_event, ClosedHandler on_closed);
  // Ends the session (the server sees the client leave). Idempotent; also done by ~Client.
  void close();
  bool logged_in() const;
  const Welcome& welcome() const;

  Result<std::vector<RoomInfo>> list_rooms();
  Result<RoomInfo> create_room(const std::string& name);  // creates and joins
  Result<RoomInfo> join_room(const std::string& name);
  Result<RoomInfo> leave_room();
  Result<std::uint64_t> send(const std::string& room, const std::string& text, std::uint64_t client_msg_id = 0);
  Result<std::uint64_t> send_direct(const std::string& recipient, const std::string& text,
                                    std::uint64_t client_msg_id = 0);
  Result<std::string> change_nick(const std::string& nickname);
  Result<std::vector<UserInfo>> list_users(const std::string& room = {});
  Result<std::vector<FileInfo>> list_files();

  // Streams the file at `path` in chunks of the server's chunk size, sending its sha256.
  Result<FileInfo> upload(const std::filesystem::path& path, const Destination& to,
                          ProgressHandler progress = {});
  // An upload the server keeps when it is cut off (the client killed, the connection lost),
  // for --resume-minutes: called again with the same `key` (from new_upload_key()) by the
  // same user, it sends only what the server does not hold yet. The sha256 still covers the
  // whole file. FAILED_PRECONDITION while the server still sees the earlier attempt running.
  // An empty `key` is a plain upload().
  Result<FileInfo> upload_resumable(const std::filesystem::path& path, const Destination& to,
                                    const std::string& key, ProgressHandler progress = {});
  // How much of the upload under `key` the server holds (done) of how much (total); 0 of 0
  // when it holds nothing under that key.
  Result<Progress> upload_status(const std::string& key);
  // 32 random characters of [0-9a-z].
  static std::string new_upload_key();
  // Writes to a temporary name beside `dest` and renames it when the sha256 matches.
  // Refuses to replace an existing `dest` unless `overwrite`.
  Result<FileInfo> download(const std::string& file_id, const std::filesystem::path& dest,
                            bool overwrite = false, ProgressHandler progress = {});

 private:
  Client();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatcore
