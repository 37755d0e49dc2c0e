#include "harness.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace chatcore::test {

std::string describe(const Event& event) {
  if (event.moderation) {
    const auto& m = *event.moderation;
    return fmt::format("#{} Moderated({}, room={}, {} by {}: {:.60})", event.seq,
                       static_cast<int>(m.action), m.room, m.nickname, m.by, m.reason);
  }
  if (event.notice) {
    const std::string notice = std::visit(
        [](const auto& e) -> std::string {
          using T = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<T, TopicChanged>) {
            return fmt::format("TopicChanged(room={}, topic={:.60}, by={})", e.room, e.topic, e.by);
          } else if constexpr (std::is_same_v<T, PresenceChanged>) {
            return fmt::format("PresenceChanged({}, {}, {:.60})", e.nickname,
                               static_cast<int>(e.presence), e.away_message);
          } else {
            return fmt::format("AwayNotice({}, {:.60})", e.nickname, e.away_message);
          }
        },
        *event.notice);
    return fmt::format("#{} {}", event.seq, notice);
  }
  const std::string body = std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, Welcome>) {
          return fmt::format("Welcome(nick={})", e.nickname);
        } else if constexpr (std::is_same_v<T, RoomMessage>) {
          return fmt::format("RoomMessage(room={}, sender={}, text={:.60}, replay={}, cid={})",
                             e.room, e.sender, e.text, e.replay, e.client_msg_id);
        } else if constexpr (std::is_same_v<T, DirectMessage>) {
          return fmt::format("DirectMessage({} -> {}: {:.60})", e.sender, e.recipient, e.text);
        } else if constexpr (std::is_same_v<T, MemberJoined>) {
          return fmt::format("MemberJoined(room={}, nick={}, members={})", e.room, e.nickname,
                             e.members);
        } else if constexpr (std::is_same_v<T, MemberLeft>) {
          return fmt::format("MemberLeft(room={}, nick={}, members={}, reason={})", e.room,
                             e.nickname, e.members, e.reason);
        } else if constexpr (std::is_same_v<T, NickChanged>) {
          return fmt::format("NickChanged({} -> {}, room={})", e.old_nickname, e.new_nickname,
                             e.room);
        } else if constexpr (std::is_same_v<T, FileNotice>) {
          return fmt::format("FileNotice(name={}, size={}, room={}, to={})", e.file.name,
                             e.file.size, e.file.room, e.file.recipient);
        } else if constexpr (std::is_same_v<T, HistoryReplay>) {
          return fmt::format("HistoryReplay(room={}, count={})", e.room, e.count);
        } else if constexpr (std::is_same_v<T, CaughtUp>) {
          return fmt::format("CaughtUp(rooms={}, directs={})", e.room_messages, e.direct_messages);
        } else if constexpr (std::is_same_v<T, HistoryGap>) {
          return fmt::format("HistoryGap(room={}, epoch={}, first={})", e.room, e.epoch,
                             e.first_id);
        } else {
          return fmt::format("ShutdownNotice({})", e.reason);
        }
      },
      event.body);
  return fmt::format("#{} {}", event.seq, body);
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "chatcore-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed for " << pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string write_random_file(const std::filesystem::path& path, std::size_t size) {
  std::mt19937_64 rng(std::random_device{}());
  std::string data(size, '\0');
  for (auto& c : data) c = static_cast<char>(rng());
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  REQUIRE(out.good());
  return data;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) == 1);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void EventLog::push(const Event& event) {
  std::lock_guard lock(mu_);
  // Checked on the test's thread (next()): doctest assertions belong there.
  // A session the client opened again by itself numbers from 1, starting with its Welcome.
  const bool new_stream = event.seq == 1 && std::holds_alternative<Welcome>(event.body);
  if (event.seq != last_seq_ + 1 && !new_stream && order_error_.empty()) {
    order_error_ = fmt::format("seq {} followed seq {}", event.seq, last_seq_);
  }
  last_seq_ = event.seq;
  events_.push_back(event);
  cv_.notify_all();
}

void EventLog::closed(const Status& status) {
  std::lock_guard lock(mu_);
  closed_ = status;
  ++closed_count_;
  cv_.notify_all();
}

Event EventLog::next() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, kWait, [&] { return !events_.empty(); })) {
    if (closed_) FAIL("no more events: the session ended with " << closed_->to_string());
    FAIL("no event arrived within " << kWait.count() << " s");
  }
  CHECK_MESSAGE(order_error_.empty(), "event order: " << order_error_);
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::optional<Event> EventLog::next_or_end() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, kWait, [&] { return !events_.empty() || closed_.has_value(); })) {
    FAIL("neither an event nor the end of the stream came within " << kWait.count() << " s");
  }
  if (events_.empty()) return std::nullopt;
  Event event = std::move(events_.front());
  events_.pop_front();
  return event;
}

Status EventLog::wait_closed() {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, kWait, [&] { return closed_.has_value(); })) {
    FAIL("the session did not end within " << kWait.count() << " s");
  }
  return *closed_;
}

std::size_t EventLog::pending() const {
  const std::lock_guard lock(mu_);
  return events_.size();
}

int EventLog::closed_count() const {
  std::lock_guard lock(mu_);
  return closed_count_;
}

TestUser::TestUser(const TestServer& server, const std::string& nickname)
    : nick_(nickname), log_(std::make_unique<EventLog>()) {
  EventLog* log = log_.get();
  ClientOptions options;
  options.on_notice = [log](const Event& e) { log->push(e); };
  auto client = Client::open(server.address(), options);
  REQUIRE_MESSAGE(client.ok(), client.status().to_string());
  client_ = std::move(*client);
  auto welcome = client_->login(
      nickname, [log](const Event& e) { log->push(e); },
      [log](const Status& s) { log->closed(s); });
  REQUIRE_MESSAGE(welcome.ok(), "login as " << nickname << ": " << welcome.status().to_string());
  REQUIRE(welcome->nickname == nickname);
  // The Welcome is also the first event of the session.
  const Event first = log_->next();
  REQUIRE_MESSAGE(std::holds_alternative<Welcome>(first.body), describe(first));
  CHECK(std::get<Welcome>(first.body).session == welcome->session);
  CHECK(first.seq == 1);
}

TestUser::~TestUser() { client_.reset(); }

TestServer::TestServer(const std::function<void(Config&)>& tweak) {
  Config config;
  config.listen = "127.0.0.1:0";
  config.data_dir = data_.path();
  config.storage_dir = storage_.path();
  // Tests send in bursts far beyond a person's pace; a test of flood protection sets its own.
  config.message_rate = {};
  config.command_rate = {};
  if (tweak) tweak(config);
  grace_ = config.shutdown_grace;
  server_ = std::make_unique<Server>(std::move(config));
  const Status started = server_->start();
  REQUIRE_MESSAGE(started.ok(), started.to_string());
  REQUIRE(server_->port() > 0);
}

TestServer::~TestServer() {
  fence_.reset();
  // With its clients gone, a server stops at once; taking longer means it lost track of a
  // call (it logs how many were left).
  const auto start = std::chrono::steady_clock::now();
  server_->shutdown("test over");
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  CHECK_MESSAGE(took < grace_ + std::chrono::seconds(3),
                "the server took " << took.count() << " ms to shut down");
}

std::string TestServer::address() const { return fmt::format("127.0.0.1:{}", server_->port()); }

std::vector<std::filesystem::path> TestServer::stored_files() const {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(storage_.path())) {
    if (entry.is_regular_file()) out.push_back(entry.path());
  }
  return out;
}

TestUser& TestServer::fence_user() {
  if (!fence_) fence_ = std::make_unique<TestUser>(*this, "fence");
  return *fence_;
}

void TestServer::expect_quiet(TestUser& user) {
  TestUser& fence = fence_user();
  const std::string text = fmt::format("fence {}", ++fences_);
  const auto sent = fence->send_direct(user.nick(), text);
  REQUIRE_MESSAGE(sent.ok(), sent.status().to_string());
  const Event event = user.log().next();
  const auto* dm = std::get_if<DirectMessage>(&event.body);
  const bool fence_first = dm != nullptr && dm->text == text && dm->sender == "fence";
  CHECK_MESSAGE(fence_first, user.nick() << " got " << describe(event) << " before the fence");
  if (!fence_first) {
    // Keep the log usable for the rest of the test.
    user.log().wait_for<DirectMessage>([&](const DirectMessage& m) { return m.text == text; });
  }
  // The fence user's own echo; nothing else reaches it in the lobby.
  fence.log().wait_for<DirectMessage>([&](const DirectMessage& m) { return m.text == text; });
}

void TestServer::round_trip() {
  const auto rooms = fence_user()->list_rooms();
  REQUIRE_MESSAGE(rooms.ok(), rooms.status().to_string());
}

}  // namespace chatcore::test
