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

// Called on the client's reader thread, in order with the events, for each notice
// (TopicChanged, PresenceChanged, AwayNotice: the event's `notice`).
using NoticeHandler = std::function<void(const Event&)>;

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

  // Who connects. Empty: a guest, whose nickname, rooms and files last only as long as its
  // session. Otherwise the identity secret in this file (default_identity_file() is where the
  // terminal client keeps it), created on first use; it owns the nickname on the server.
  std::filesystem::path identity_file;
  // An identity's resume position is kept in a file under this directory (empty:
  // default_state_dir()), per server address and nickname, so that a later process resumes
  // where this one stopped. A guest's is kept in memory, for its reconnects only.
  std::filesystem::path state_dir;
  // When the session is lost (not closed, not taken over by another client of the same
  // identity, not refused), open it again with the resume position, waiting reconnect_min,
  // doubling up to reconnect_max between attempts. Off: the session ends with on_closed.
  bool reconnect = false;
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{10000};
  // Notices about rooms and people; without one they are dropped.
  NoticeHandler on_notice;
  // Moderation actions shown to this user (an event whose `moderation` is set): someone was
  // kicked, banned, unbanned, muted or unmuted, or the MOTD changed. Called on the reader
  // thread in order with the events; without one they are dropped.
  NoticeHandler on_moderation;
};

// $XDG_CONFIG_HOME/chatcore/identity, or ~/.config/chatcore/identity.
std::filesystem::path default_identity_file();
// $XDG_STATE_HOME/chatcore, or ~/.local/state/chatcore.
std::filesystem::path default_state_dir();

// Called on the client's reader thread, in order, one event at a time.
using EventHandler = std::function<void(const Event&)>;
// Called once on the reader thread when the session stream ends (OK after a shutdown notice,
// CANCELLED after close(), UNAVAILABLE when the connection dropped, ...).
using ClosedHandler = std::function<void(const Status&)>;

// What happens to a session that reconnects by itself (ClientOptions::reconnect).
struct ConnectionChange {
  enum class State {
    reconnecting,  // lost because of `cause`; the next attempt follows in `retry_in`
    resumed,       // welcomed again; the replay of what was missed follows, then CaughtUp
  };
  State state = State::reconnecting;
  Status cause;
  std::chrono::milliseconds retry_in{0};
  int attempt = 0;  // attempts since the session was lost
};
// Called on the reader thread, in order with the events.
using ConnectionHandler = std::function<void(const ConnectionChange&)>;

struct Progress {
  std::uint64_t done = 0;
  std::uint64_t total = 0;
};
// Return false to cancel the transfer.
using ProgressHandler = std::function<bool(const Progress&)>;

struct HistoryPage {
  std::vector<RoomMessage> messages;  // oldest first
  std::uint64_t epoch = 0;
  bool more = false;  // older messages exist before the first one
};

struct Destination {
  std::string room;       // either a room...
  std::string recipient;  // ...or one user
};

class Client {
 public:
  // Opens a channel and waits until it is connected. `address` is one server (host:port) or
  // several joined by commas (the nodes of one cluster): they are tried in turn, and when
  // the session is lost each reconnect attempt goes to the next one. UNAVAILABLE with a
  // readable message when nothing answers at any of them within the timeout (each).
  static Result<std::unique_ptr<Client>> open(const std::string& address, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Opens the session. On ALREADY_EXISTS or INVALID_ARGUMENT it may be called again.
  // The Welcome event is returned here and also passed to on_event first.
  // With an identity it is loaded (or created) and sent, and so is the resume position.
  // FAILED_PRECONDITION for an identity or position file that cannot be used.
  Result<Welcome> login(const std::string& nickname, EventHandler on_event, ClosedHandler on_closed,
                        ConnectionHandler on_connection = {});
  // Ends the session (the server sees the client leave). Idempotent; also done by ~Client.
  void close();
  bool logged_in() const;
  // The Welcome that login() returned; stable until the next login. A reconnect's Welcome
  // (new session token, rooms) arrives as an event.
  const Welcome& welcome() const;
  // Everything missed since the last (re)connect has been handed over (the server's CaughtUp
  // was passed to on_event). A guest has nothing to catch up on: true from its Welcome.
  bool caught_up() const;
  // What the client would send at its next Connect.
  ResumePosition resume_position() const;
  // The server of the list given to open() that the client is connected to (or, while it
  // reconnects, the one it tries next): the node a user is on.
  std::string server() const;

  Result<std::vector<RoomInfo>> list_rooms();
  Result<RoomInfo> create_room(const std::string& name);  // creates and joins
  // Adds a membership; the room's recent history follows as events.
  Result<RoomInfo> join_room(const std::string& name);
  // Ends the membership of `room` (empty: the only room the user is in).
  Result<RoomInfo> leave_room(const std::string& room = {});
  // Older messages of a room one is in, oldest first, before `before_id` (0: the newest).
  // `limit` 0: the server's page size.
  Result<HistoryPage> history(const std::string& room, std::uint64_t before_id = 0,
                              std::uint32_t limit = 0);
  // `kind` action is "/me": the text is what the sender does.
  Result<std::uint64_t> send(const std::string& room, const std::string& text,
                             std::uint64_t client_msg_id = 0,
                             MessageKind kind = MessageKind::normal);
  Result<std::uint64_t> send_direct(const std::string& recipient, const std::string& text,
                                    std::uint64_t client_msg_id = 0,
                                    MessageKind kind = MessageKind::normal);
  // Sets the topic of a room one is in (empty: clears it); the room as it is then.
  Result<RoomInfo> set_topic(const std::string& room, const std::string& topic);
  // Away with `message`, or back with an empty one; whether one is away now.
  Result<bool> set_away(const std::string& message);
  // Presence, rooms, away message or last seen of whoever uses or owns `nickname`.
  Result<UserInfo> whois(const std::string& nickname);
  Result<std::string> change_nick(const std::string& nickname);
  Result<std::vector<UserInfo>> list_users(const std::string& room = {});
  Result<std::vector<FileInfo>> list_files();

  // Moderation (operators only: PERMISSION_DENIED otherwise). `room` empty acts server-wide,
  // which only a server operator may; a room's creator may act in that room. A ban or mute
  // with `duration` 0 lasts until lifted; the result is when it ends (0: never).
  Result<std::int64_t> moderate(ModerationAction action, const std::string& nickname,
                                const std::string& room, std::chrono::seconds duration,
                                const std::string& reason);
  Result<std::int64_t> kick(const std::string& nickname, const std::string& room = {},
                            const std::string& reason = {});
  Result<std::int64_t> ban(const std::string& nickname, const std::string& room = {},
                           std::chrono::seconds duration = {}, const std::string& reason = {});
  Result<std::int64_t> unban(const std::string& nickname, const std::string& room = {});
  Result<std::int64_t> mute(const std::string& nickname, const std::string& room = {},
                            std::chrono::seconds duration = {}, const std::string& reason = {});
  Result<std::int64_t> unmute(const std::string& nickname, const std::string& room = {});
  // Server operators only; empty clears it. Every session sees it, later ones in Welcome.
  Result<std::int64_t> set_motd(const std::string& motd);
  // The room's operators (its creator, server operators): while locked only they may set the
  // topic of `room` (others get PERMISSION_DENIED). FAILED_PRECONDITION if it already is so.
  Result<std::int64_t> lock_topic(const std::string& room, bool locked = true);

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
  // Makes the server forget the upload held under `key` (its part and its record): what it
  // held. upload_resumable does this itself when its progress handler cancels.
  Result<Progress> upload_discard(const std::string& key);
  // 32 random characters of [0-9a-z].
  static std::string new_upload_key();
  // Writes to a temporary name beside `dest` and renames it when the sha256 matches.
  // Refuses to replace an existing `dest` unless `overwrite`.
  Result<FileInfo> download(const std::string& file_id, const std::filesystem::path& dest,
                            bool overwrite = false, ProgressHandler progress = {});
  // Like download, into ".NAME.FILE_ID.part" beside `dest`, which is kept when the call is
  // cut off (the connection lost, the server stopped): called again for the same file and
  // `dest`, it asks the server only for the bytes after those the part holds. The part goes
  // when the progress handler cancels or the file cannot arrive (refused, wrong sha256).
  Result<FileInfo> download_resumable(const std::string& file_id,
                                      const std::filesystem::path& dest, bool overwrite = false,
                                      ProgressHandler progress = {});
  // Removes the part an interrupted download_resumable kept; false when there was none.
  static bool discard_download(const std::string& file_id, const std::filesystem::path& dest);

 private:
  Client();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatcore
