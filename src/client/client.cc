// chatcore::Client: the channel, login with the identity and resume position, and the unary
// chat commands. The session stream is in session.cc; transfers in upload.cc, download.cc.
//
// Threads: login() starts one reader thread per session; it runs the Connect stream (and its
// reconnects) and calls the user's handlers. Unary calls and transfers run on the caller's thread and may be used
// from any thread at the same time. login() and close() are meant for one owning thread.
// Handlers must not throw (they run on the reader thread). on_closed is called only for a
// session that was welcomed; a refused login just returns its status.
#include <chatcore/client.h>

#include <fmt/format.h>

#include <utility>

#include "client/client_impl.h"
#include "client/identity.h"
#include "util/files.h"

namespace chatcore {
namespace {

using client::Session;

}  // namespace

Client::Client() : impl_(std::make_unique<Impl>()) {}

Client::~Client() {
  close();
  // Only left joinable when the Client is destroyed from its own handler: the thread holds
  // its Session and channel, so it can finish on its own.
  if (impl_->reader.joinable()) impl_->reader.detach();
}

namespace {
Result<std::shared_ptr<grpc::ChannelCredentials>> channel_credentials(const ClientOptions& o) {
  if (!o.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  const auto read = [](const std::filesystem::path& path, std::string& out) -> Status {
    if (path.empty()) return {};
    auto text = util::read_small_file(path);
    if (!text.ok()) return Status(Code::invalid_argument, text.status().message);
    out = std::move(*text);
    return {};
  };
  if (auto s = read(o.ca_file, ssl.pem_root_certs); !s.ok()) return s;
  if (auto s = read(o.cert_file, ssl.pem_cert_chain); !s.ok()) return s;
  if (auto s = read(o.key_file, ssl.pem_private_key); !s.ok()) return s;
  return grpc::SslCredentials(ssl);
}
}  // namespace

Result<std::unique_ptr<Client>> Client::open(const std::string& address, ClientOptions options) {
  auto addresses = client::parse_server_list(address);
  if (!addresses.ok()) return addresses.status();

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(8 << 20);
  args.SetUserAgentPrefix(options.client_name);
  // gRPC shares connections between channels to the same target by default; a Client is one
  // user, so it gets its own connection, as a separate process would.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, static_cast<int>(options.keepalive_time.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, static_cast<int>(options.keepalive_timeout.count()));
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_HTTP2_MIN_SENT_PING_INTERVAL_WITHOUT_DATA_MS,
              static_cast<int>(options.keepalive_time.count()));
  if (options.reconnect) {
    // The channel's own reconnect backoff (up to 120 s by default) would hold back every
    // attempt of ours once the server is back; it follows the client's schedule instead.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS,
                static_cast<int>(options.reconnect_min.count()));
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, static_cast<int>(options.reconnect_max.count()));
    // After a failed connect the channel resolves the address again before its next attempt,
    // by default no sooner than 30 s after the last resolution.
    args.SetInt(GRPC_ARG_DNS_MIN_TIME_BETWEEN_RESOLUTIONS_MS,
                static_cast<int>(options.reconnect_min.count()));
  }
  auto creds = channel_credentials(options);
  if (!creds.ok()) return creds.status();
  auto servers = std::make_shared<client::ServerList>(std::move(*addresses), *creds, args);
  if (Status st = servers->connect(options.connect_timeout, options.tls); !st.ok()) return st;

  std::unique_ptr<Client> client(new Client());
  client->impl_->address = address;
  client->impl_->options = std::move(options);
  client->impl_->servers = std::move(servers);
  return client;
}

Result<Welcome> Client::login(const std::string& nickname, EventHandler on_event,
                              ClosedHandler on_closed, ConnectionHandler on_connection) {
  Impl& d = *impl_;
  {
    std::unique_lock lock(d.mu);
    if (d.session && d.session->open) return Status(Code::failed_precondition, "already logged in");
    if (d.reader.joinable()) {
      // The previous session's thread, left running by a close() from inside a handler.
      if (d.reader.get_id() == std::this_thread::get_id()) {
        return Status(Code::failed_precondition, "login() cannot be called from a handler");
      }
      std::thread old = std::move(d.reader);
      lock.unlock();
      old.join();
    }
  }

  auto s = std::make_shared<Session>();
  s->servers = d.servers;
  s->options = d.options;
  s->address = d.address;
  s->nickname = nickname;
  if (!d.options.identity_file.empty()) {
    auto secret = client::load_or_create_secret(d.options.identity_file);
    if (!secret.ok()) return secret.status();
    s->secret = std::move(*secret);
    const auto dir = d.options.state_dir.empty() ? default_state_dir() : d.options.state_dir;
    s->keeper.reset(client::PositionKeeper::file_for(dir, d.address, nickname));
    if (Status st = s->keeper.load(); !st.ok()) return st;
  }
  s->on_event = std::move(on_event);
  s->on_closed = std::move(on_closed);
  s->on_connection = std::move(on_connection);
  std::thread thread(client::run_session, s);

  // The server welcomes at once; the bound only keeps a hung server from hanging login().
  const auto limit = d.options.connect_timeout + client::kCallTimeout;
  std::unique_lock slock(s->mu);
  if (!s->cv.wait_for(slock, limit, [&] { return s->stage != Session::Stage::waiting; })) {
    s->abandoned = true;
    s->close_requested = true;
    s->cv.notify_all();
    if (s->ctx) s->ctx->TryCancel();
    slock.unlock();
    thread.join();
    return Status(Code::deadline_exceeded, "the server did not answer the login in time");
  }
  if (s->stage == Session::Stage::failed) {
    Status failure = s->failure;
    slock.unlock();
    thread.join();
    return failure;
  }

  Welcome welcome = s->welcome;
  slock.unlock();  // never hold a session lock and the client lock together
  {
    std::lock_guard lock(d.mu);
    d.welcome = welcome;
    d.session = s;
    d.reader = std::move(thread);
  }
  s->open = true;
  slock.lock();
  s->go = true;
  s->cv.notify_all();
  return welcome;
}

// From inside a handler this only cancels: the reader thread cannot join itself, so it is
// joined by the next login() or by ~Client.
void Client::close() {
  Impl& d = *impl_;
  std::thread to_join;
  std::shared_ptr<Session> s;
  {
    std::lock_guard lock(d.mu);
    s = d.session;
    if (d.reader.joinable() && d.reader.get_id() != std::this_thread::get_id()) {
      to_join = std::move(d.reader);
    }
  }
  if (s) s->cancel();
  if (to_join.joinable()) to_join.join();
}

bool Client::logged_in() const { return impl_->logged_in(); }

const Welcome& Client::welcome() const { return impl_->welcome; }

std::string Client::server() const {
  const auto endpoint = impl_->servers->current();
  return endpoint ? endpoint->address : std::string();
}

bool Client::caught_up() const {
  auto s = impl_->current();
  return s && s->caught_up;
}

ResumePosition Client::resume_position() const {
  auto s = impl_->current();
  return s ? s->keeper.position() : ResumePosition{};
}

std::filesystem::path default_identity_file() { return client::default_identity_file(); }
std::filesystem::path default_state_dir() { return client::default_state_dir(); }

namespace {
RoomInfo room_info(const v1::RoomResponse& r) {
  return RoomInfo{.name = r.room(), .members = r.members(), .online = r.online(), .epoch = r.epoch(),
                  .last_id = r.last_id(), .topic = r.topic(), .topic_by = r.topic_by(),
                  .topic_unix_ms = r.topic_unix_ms()};
}
std::uint64_t message_id(const v1::SendResponse& r) { return r.message_id(); }
constexpr auto no_fields = [](auto&) {};
// A room message and a DM differ only in where they go: `target` fills that in.
template <class Target>
auto text_to(Target target, const std::string& text, std::uint64_t client_msg_id,
             MessageKind kind) {
  return [=, &text](auto& r) {
    target(r);
    r.set_text(text);
    r.set_client_msg_id(client_msg_id);
    r.set_kind(transport::to_proto(kind));
  };
}
}  // namespace

Result<std::vector<RoomInfo>> Client::list_rooms() {
  return impl_->call(&v1::Chat::Stub::ListRooms, no_fields, [](const v1::ListRoomsResponse& r) {
    std::vector<RoomInfo> rooms;
    rooms.reserve(r.rooms_size());
    for (const auto& room : r.rooms()) rooms.push_back(transport::from_proto(room));
    return rooms;
  });
}

Result<RoomInfo> Client::create_room(const std::string& name) {
  auto room = impl_->call(&v1::Chat::Stub::CreateRoom,
                          [&](v1::CreateRoomRequest& r) { r.set_name(name); }, room_info);
  if (room.ok()) impl_->entered(*room);
  return room;
}

Result<RoomInfo> Client::join_room(const std::string& name) {
  auto room = impl_->call(&v1::Chat::Stub::JoinRoom,
                          [&](v1::JoinRoomRequest& r) { r.set_name(name); }, room_info);
  if (room.ok()) impl_->entered(*room);
  return room;
}

Result<RoomInfo> Client::leave_room(const std::string& room) {
  auto left = impl_->call(&v1::Chat::Stub::LeaveRoom,
                          [&](v1::LeaveRoomRequest& r) { r.set_room(room); }, room_info);
  if (left.ok() && !room.empty()) {
    if (auto s = impl_->current()) s->keeper.forget_room(room);
  }
  return left;
}

Result<HistoryPage> Client::history(const std::string& room, std::uint64_t before_id,
                                    std::uint32_t limit) {
  return impl_->call(&v1::Chat::Stub::History,
                     [&](v1::HistoryRequest& r) {
                       r.set_room(room);
                       r.set_before_id(before_id);
                       r.set_limit(limit);
                     },
                     [](const v1::HistoryResponse& r) {
                       HistoryPage page{.messages = {}, .epoch = r.epoch(), .more = r.more()};
                       for (const auto& m : r.messages()) {
                         // The one conversion of a RoomMessage is the event's.
                         v1::Event wrapped;
                         *wrapped.mutable_room_message() = m;
                         if (auto e = transport::from_proto(wrapped)) {
                           page.messages.push_back(std::get<RoomMessage>(e->body));
                         }
                       }
                       return page;
                     });
}

Result<std::uint64_t> Client::send(const std::string& room, const std::string& text,
                                   std::uint64_t client_msg_id, MessageKind kind) {
  const auto to = [&](v1::SendMessageRequest& r) { r.set_room(room); };
  return impl_->call(&v1::Chat::Stub::SendMessage, text_to(to, text, client_msg_id, kind),
                     message_id);
}

Result<std::uint64_t> Client::send_direct(const std::string& recipient, const std::string& text,
                                          std::uint64_t client_msg_id, MessageKind kind) {
  const auto to = [&](v1::SendDirectRequest& r) { r.set_recipient(recipient); };
  return impl_->call(&v1::Chat::Stub::SendDirect, text_to(to, text, client_msg_id, kind),
                     message_id);
}

Result<RoomInfo> Client::set_topic(const std::string& room, const std::string& topic) {
  return impl_->call(&v1::Chat::Stub::SetTopic,
                     [&](v1::SetTopicRequest& r) {
                       r.set_room(room);
                       r.set_topic(topic);
                     },
                     room_info);
}

Result<bool> Client::set_away(const std::string& message) {
  return impl_->call(&v1::Chat::Stub::SetAway,
                     [&](v1::SetAwayRequest& r) { r.set_message(message); },
                     [](const v1::SetAwayResponse& r) { return r.away(); });
}

Result<UserInfo> Client::whois(const std::string& nickname) {
  return impl_->call(&v1::Chat::Stub::Whois,
                     [&](v1::WhoisRequest& r) { r.set_nickname(nickname); },
                     [](const v1::WhoisResponse& r) { return transport::from_proto(r.user()); });
}

Result<std::string> Client::change_nick(const std::string& nickname) {
  return impl_->call(&v1::Chat::Stub::ChangeNick,
                     [&](v1::ChangeNickRequest& r) { r.set_nickname(nickname); },
                     [](const v1::ChangeNickResponse& r) { return r.nickname(); });
}

Result<std::vector<UserInfo>> Client::list_users(const std::string& room) {
  return impl_->call(&v1::Chat::Stub::ListUsers,
                     [&](v1::ListUsersRequest& r) { r.set_room(room); },
                     [](const v1::ListUsersResponse& r) {
                       std::vector<UserInfo> users;
                       users.reserve(r.users_size());
                       for (const auto& u : r.users()) users.push_back(transport::from_proto(u));
                       return users;
                     });
}

Result<std::vector<FileInfo>> Client::list_files() {
  return impl_->call(&v1::Chat::Stub::ListFiles, no_fields, [](const v1::ListFilesResponse& r) {
    std::vector<FileInfo> files;
    files.reserve(r.files_size());
    for (const auto& f : r.files()) files.push_back(transport::from_proto(f));
    return files;
  });
}

}  // namespace chatcore
