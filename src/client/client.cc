// chatcore::Client: the channel, the session stream with its reader thread, and the unary
// chat commands. Uploads and downloads are in upload.cc and download.cc.
//
// Threads: login() starts one reader thread per session; it runs the Connect stream and calls
// the user's handlers. Unary calls and transfers run on the caller's thread and may be used
// from any thread at the same time. login() and close() are meant for one owning thread.
// Handlers must not throw (they run on the reader thread). on_closed is called only for a
// session that was welcomed; a refused login just returns its status.
#include <chatcore/client.h>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "client/client_impl.h"
#include "util/files.h"

namespace chatcore {
namespace {

using client::Session;

// Catches the address mistakes gRPC would only report as a connection that never comes up.
Status check_address(const std::string& address) {
  if (address.empty()) return Status(Code::invalid_argument, "empty server address");
  // gRPC's unix-socket targets carry a path, not a port.
  if (address.starts_with("unix:") || address.starts_with("unix-abstract:")) return {};
  const auto colon = address.rfind(':');
  const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  const bool digits = !port.empty() && port.size() <= 5 &&
                      std::all_of(port.begin(), port.end(),
                                  [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535 || colon == 0) {
    return Status(Code::invalid_argument,
                  fmt::format("bad server address '{}': expected host:port", address));
  }
  return {};
}

void deliver(Session& s, const v1::EventBatch& batch, int from) {
  for (int i = from; i < batch.events_size(); ++i) {
    const auto event = transport::from_proto(batch.events(i));
    if (event && s.on_event) s.on_event(*event);
  }
}

// Body of the reader thread: the handshake with login(), then every event until the end.
void run_session(std::shared_ptr<Session> s) {
  v1::EventBatch batch;
  Status failure;
  const bool got = s->reader->Read(&batch);
  const bool welcomed = got && batch.events_size() > 0 && batch.events(0).has_welcome();
  if (!welcomed) {
    if (got) {
      s->ctx.TryCancel();
      s->reader->Finish();
      failure = Status(Code::internal, "the server did not open the session with a welcome");
    } else {
      failure = transport::from_grpc(s->reader->Finish());
      if (failure.ok()) {
        failure = Status(Code::unavailable, "the server ended the session before welcoming it");
      }
    }
    std::lock_guard lock(s->mu);
    s->stage = Session::Stage::failed;
    s->failure = std::move(failure);
    s->cv.notify_all();
    return;
  }

  const Event welcome = *transport::from_proto(batch.events(0));  // has_welcome() above
  {
    std::unique_lock lock(s->mu);
    if (!s->abandoned) {
      s->welcome = std::get<Welcome>(welcome.body);
      s->stage = Session::Stage::welcomed;
      s->cv.notify_all();
      // Wait until login() has stored the welcome, so a handler that reads
      // client.welcome() sees it.
      s->cv.wait(lock, [&] { return s->go || s->abandoned; });
    }
    if (s->abandoned) {
      lock.unlock();
      s->ctx.TryCancel();
      s->reader->Finish();
      return;
    }
  }

  deliver(*s, batch, 0);
  while (s->reader->Read(&batch)) deliver(*s, batch, 0);
  Status status = transport::from_grpc(s->reader->Finish());
  // The cancellation races the server's own end of the stream; the user asked, so say so.
  if (s->close_requested) status = Status(Code::cancelled, "session closed by the client");
  s->open = false;
  if (s->on_closed) s->on_closed(status);
}

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
  if (Status bad = check_address(address); !bad.ok()) return bad;

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
  auto creds = channel_credentials(options);
  if (!creds.ok()) return creds.status();
  auto channel = grpc::CreateCustomChannel(address, *creds, args);
  const auto deadline = std::chrono::system_clock::now() + options.connect_timeout;
  // The first failed attempt (nothing listening, handshake refused) ends the wait at once:
  // a person at a prompt should not wait out the whole timeout for a typo in the port.
  const char* failure = nullptr;
  for (auto state = channel->GetState(true); state != GRPC_CHANNEL_READY;
       state = channel->GetState(true)) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) {
      failure = options.tls ? "connection refused or TLS handshake failed" : "connection refused";
      break;
    }
    if (!channel->WaitForStateChange(state, deadline)) {
      failure = "timed out";
      break;
    }
  }
  if (failure != nullptr) {
    return Status(Code::unavailable,
                  fmt::format("cannot reach chat server at {}: {}", address, failure));
  }

  std::unique_ptr<Client> client(new Client());
  client->impl_->address = address;
  client->impl_->options = std::move(options);
  client->impl_->stub = v1::Chat::NewStub(channel);
  client->impl_->channel = std::move(channel);
  return client;
}

Result<Welcome> Client::login(const std::string& nickname, EventHandler on_event,
                              ClosedHandler on_closed) {
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
  s->channel = d.channel;
  s->on_event = std::move(on_event);
  s->on_closed = std::move(on_closed);
  v1::ConnectRequest request;
  request.set_nickname(nickname);
  request.set_client(d.options.client_name);
  s->reader = d.stub->Connect(&s->ctx, request);
  std::thread thread(run_session, s);

  // The server welcomes at once; the bound only keeps a hung server from hanging login().
  const auto limit = d.options.connect_timeout + client::kCallTimeout;
  std::unique_lock slock(s->mu);
  if (!s->cv.wait_for(slock, limit, [&] { return s->stage != Session::Stage::waiting; })) {
    s->abandoned = true;
    s->cv.notify_all();
    slock.unlock();
    s->ctx.TryCancel();
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
  {
    std::lock_guard lock(d.mu);
    if (d.session) {
      d.session->close_requested = true;
      d.session->open = false;
      d.session->ctx.TryCancel();
    }
    if (d.reader.joinable() && d.reader.get_id() != std::this_thread::get_id()) {
      to_join = std::move(d.reader);
    }
  }
  if (to_join.joinable()) to_join.join();
}

bool Client::logged_in() const { return impl_->logged_in(); }

const Welcome& Client::welcome() const { return impl_->welcome; }

namespace {
RoomInfo room_info(const v1::RoomResponse& r) { return RoomInfo{r.room(), r.members()}; }
std::uint64_t message_id(const v1::SendResponse& r) { return r.message_id(); }
constexpr auto no_fields = [](auto&) {};
// A room message and a DM differ only in where they go: `target` fills that in.
template <class Target>
auto text_to(Target target, const std::string& text, std::uint64_t client_msg_id) {
  return [=, &text](auto& r) {
    target(r);
    r.set_text(text);
    r.set_client_msg_id(client_msg_id);
  };
}
}  // namespace

Result<std::vector<RoomInfo>> Client::list_rooms() {
  return impl_->call(&v1::Chat::Stub::ListRooms, no_fields, [](const v1::ListRoomsResponse& r) {
    std::vector<RoomInfo> rooms;
    rooms.reserve(r.rooms_size());
    for (const auto& room : r.rooms()) rooms.push_back(RoomInfo{room.name(), room.members()});
    return rooms;
  });
}

Result<RoomInfo> Client::create_room(const std::string& name) {
  return impl_->call(&v1::Chat::Stub::CreateRoom,
                     [&](v1::CreateRoomRequest& r) { r.set_name(name); }, room_info);
}

Result<RoomInfo> Client::join_room(const std::string& name) {
  return impl_->call(&v1::Chat::Stub::JoinRoom,
                     [&](v1::JoinRoomRequest& r) { r.set_name(name); }, room_info);
}

Result<RoomInfo> Client::leave_room() {
  return impl_->call(&v1::Chat::Stub::LeaveRoom, no_fields, room_info);
}

Result<std::uint64_t> Client::send(const std::string& room, const std::string& text,
                                   std::uint64_t client_msg_id) {
  const auto to = [&](v1::SendMessageRequest& r) { r.set_room(room); };
  return impl_->call(&v1::Chat::Stub::SendMessage, text_to(to, text, client_msg_id), message_id);
}

Result<std::uint64_t> Client::send_direct(const std::string& recipient, const std::string& text,
                                          std::uint64_t client_msg_id) {
  const auto to = [&](v1::SendDirectRequest& r) { r.set_recipient(recipient); };
  return impl_->call(&v1::Chat::Stub::SendDirect, text_to(to, text, client_msg_id), message_id);
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
                       for (const auto& u : r.users()) {
                         users.push_back(UserInfo{
                             .nickname = u.nickname(),
                             .room = u.room(),
                             .online = u.online(),
                             .guest = u.guest(),
                             .rooms = {u.rooms().begin(), u.rooms().end()}});
                       }
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
