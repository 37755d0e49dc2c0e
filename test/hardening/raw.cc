#include "raw.h"

#include <fmt/format.h>

#include <poll.h>
#include <spawn.h>
#include <unistd.h>

#include <filesystem>

extern char** environ;

namespace chatcore::hardening {

std::shared_ptr<grpc::Channel> raw_channel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetMaxReceiveMessageSize(16 << 20);
  args.SetMaxSendMessageSize(16 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

std::string status_text(const grpc::Status& status) {
  return fmt::format("{} {}", static_cast<int>(status.error_code()), status.error_message());
}

RawSession::RawSession(const std::string& address, const std::string& nickname)
    : RawSession(raw_channel(address), nickname) {}

RawSession::RawSession(std::shared_ptr<grpc::Channel> channel, const std::string& nickname)
    : channel_(std::move(channel)), stub_(v1::Chat::NewStub(channel_)) {
  v1::ConnectRequest request;
  request.set_nickname(nickname);
  request.set_client("hardening-raw");
  reader_ = stub_->Connect(&ctx_, request);
  v1::EventBatch first;
  REQUIRE_MESSAGE(reader_->Read(&first), "login as " << nickname << " got no event");
  REQUIRE(first.events_size() >= 1);
  REQUIRE(first.events(0).has_welcome());
  token_ = first.events(0).welcome().session();
  REQUIRE(!token_.empty());
}

grpc::Status RawSession::refused(const std::string& address, const std::string& nickname) {
  auto channel = raw_channel(address);
  auto stub = v1::Chat::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + test::kWait);
  v1::ConnectRequest request;
  request.set_nickname(nickname);
  auto reader = stub->Connect(&ctx, request);
  v1::EventBatch batch;
  const bool got_event = reader->Read(&batch);
  CHECK_MESSAGE(!got_event, "login as '" << nickname << "' was accepted");
  if (got_event) {
    ctx.TryCancel();
    while (reader->Read(&batch)) {
    }
  }
  return reader->Finish();
}

grpc::Status RawSession::drain_and_finish(std::size_t* events_read) {
  v1::EventBatch batch;
  std::size_t n = 0;
  while (reader_->Read(&batch)) n += static_cast<std::size_t>(batch.events_size());
  if (events_read != nullptr) *events_read = n;
  return reader_->Finish();
}

RawUpload::RawUpload(const std::string& address)
    : channel_(raw_channel(address)), stub_(v1::Chat::NewStub(channel_)) {
  ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  writer_ = stub_->Upload(&ctx_, &response_);
}

void RawUpload::meta(const std::string& token, const std::string& name, std::uint64_t size,
                     const std::string& room, const std::string& recipient) {
  v1::UploadRequest request;
  auto* m = request.mutable_meta();
  m->set_session(token);
  m->set_name(name);
  m->set_size(size);
  // room and recipient are a oneof: set only what the test gave (both: the last one wins).
  if (!room.empty()) m->set_room(room);
  if (!recipient.empty()) m->set_recipient(recipient);
  write(request);
}

void RawUpload::chunk(std::string bytes) {
  v1::UploadRequest request;
  request.set_chunk(std::move(bytes));
  write(request);
}

// A refused upload stops the stream early; later writes fail and Finish says why.
bool RawUpload::write(const v1::UploadRequest& request) { return writer_->Write(request); }

grpc::Status RawUpload::finish() {
  writer_->WritesDone();
  return writer_->Finish();
}

bool poll(const std::function<bool()>& attempt, const std::function<void()>& round_trip,
          int tries) {
  for (int i = 0; i < tries; ++i) {
    if (attempt()) return true;
    round_trip();
  }
  return attempt();
}

std::set<std::string> stored_names(const TestServer& server) {
  std::set<std::string> out;
  for (const auto& path : server.stored_files()) out.insert(path.filename().string());
  return out;
}

namespace {
std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(nothing)" : out;
}
}  // namespace

void expect_stored(const TestServer& server, const std::set<std::string>& ids) {
  const auto names = stored_names(server);
  CHECK_MESSAGE(names == ids, "storage holds " << join(names) << "; expected " << join(ids));
}

void expect_stored_eventually(TestServer& server, const std::set<std::string>& ids) {
  // A cancelled upload's unnamed file is closed on the disk pool, after the client heard.
  poll([&] { return stored_names(server) == ids && !upload_file_open(server.storage()); },
       [&] { server.round_trip(); });
  expect_stored(server, ids);
  CHECK_MESSAGE(!upload_file_open(server.storage()), "an upload's file is still open");
}

bool upload_file_open(const std::filesystem::path& storage, int pid) {
  const std::filesystem::path fds =
      pid == 0 ? "/proc/self/fd" : std::filesystem::path("/proc") / std::to_string(pid) / "fd";
  const std::string dir = std::filesystem::canonical(storage).string() + "/";
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(fds, ec)) {
    std::error_code link_ec;
    const std::string target = std::filesystem::read_symlink(e.path(), link_ec).string();
    // Directly in the storage dir, not in a subdirectory (such as the database's).
    if (link_ec || !target.starts_with(dir) ||
        target.find('/', dir.size()) != std::string::npos) {
      continue;
    }
    if (target.ends_with(".part") || target.ends_with(" (deleted)")) return true;
  }
  return false;
}

std::filesystem::path make_file(const test::TempDir& dir, const std::string& name,
                                std::size_t size) {
  auto path = dir.path() / name;
  test::write_random_file(path, size);
  return path;
}

int spawn_self(const std::vector<std::string>& args, const std::string& line) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<std::string> all = {self};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, self.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  REQUIRE(spawned == 0);
  std::string said;
  pollfd pfd{.fd = out[0], .events = POLLIN, .revents = 0};
  while (said.find('\n') == std::string::npos && ::poll(&pfd, 1, 30000) == 1) {
    char buf[64];
    const auto n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    said.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  CHECK(said == line + "\n");
  return pid;
}

}  // namespace chatcore::hardening
