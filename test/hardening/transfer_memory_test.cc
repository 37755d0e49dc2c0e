// --transfer-memory on the real chatd binary: many downloads nobody reads share one budget
// instead of each reading its full window ahead, and downloads still arrive intact.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <chatcore/client.h>

#include "chatd_process.h"
#include "raw.h"

namespace chatcore::hardening {
namespace {

// GET /metrics from chatd's metrics listener; the body.
std::string scrape(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) response.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return response;
}

std::uint64_t gauge(const std::string& text, const std::string& name) {
  const auto at = text.find("\n" + name + " ");
  REQUIRE_MESSAGE(at != std::string::npos, name << " missing from the metrics");
  return std::stoull(text.substr(at + name.size() + 2));
}

std::string contents(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_SUITE("transfers") {

TEST_CASE("--transfer-memory: 200 unread downloads share the budget; downloads stay intact") {
  constexpr std::uint64_t kBudget = 4 << 20;
  constexpr std::uint64_t kChunk = 16 << 10;
  constexpr int kDownloads = 200;
  test::TempDir storage;
  test::TempDir local;
  ChatdProcess chatd(storage.path(), 0,
                     {"--transfer-memory", std::to_string(kBudget), "--chunk-size",
                      std::to_string(kChunk), "--max-transfers", "0", "--metrics-listen",
                      "127.0.0.1:0"});
  const auto line = chatd.wait_for_line("metrics on http://127.0.0.1:");
  const int metrics_port = std::stoi(line.substr(line.rfind(':') + 1));

  // No BDP probing: the client's stream windows stay at 64 KiB, so an unread download stalls
  // early and the server's writes stop completing.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  RawSession alice(grpc::CreateCustomChannel(chatd.address(), grpc::InsecureChannelCredentials(), args),
                   "alice");
  auto bob = Client::open(chatd.address());
  REQUIRE(bob.ok());
  REQUIRE((*bob)->login("bob", [](const Event&) {}, [](const Status&) {}).ok());
  const auto file = make_file(local, "big.bin", 4 << 20);
  const auto info = (*bob)->upload(file, {.room = {}, .recipient = "alice"});
  REQUIRE_MESSAGE(info.ok(), info.status().to_string());

  // Alice opens the downloads and reads only their first message.
  struct Held {
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<v1::DownloadResponse>> reader;
  };
  std::vector<std::unique_ptr<Held>> held;
  for (int i = 0; i < kDownloads; ++i) {
    auto h = std::make_unique<Held>();
    v1::DownloadRequest request;
    request.set_session(alice.token());
    request.set_file_id(info->id);
    h->reader = alice.stub().Download(&h->ctx, request);
    v1::DownloadResponse first;
    REQUIRE(h->reader->Read(&first));
    held.push_back(std::move(h));
  }

  // Each unread download holds what it read ahead until its writes stop completing; wait
  // until the gauge settles (two scrapes alike, a server round trip apart).
  const std::uint64_t bound = kBudget + kDownloads * kChunk;
  std::uint64_t last = ~std::uint64_t{0};
  std::uint64_t highest = 0;
  const bool settled = poll(
      [&] {
        const auto text = scrape(metrics_port);
        CHECK(gauge(text, "chatcore_transfers_in_flight") == kDownloads);
        const auto now = gauge(text, "chatcore_transfer_buffered_bytes");
        highest = std::max(highest, now);
        CHECK_MESSAGE(now <= bound, now << " bytes buffered, more than the budget allows");
        return std::exchange(last, now) == now;
      },
      [&] { (void)(*bob)->list_rooms(); });
  CHECK(settled);
  MESSAGE("highest buffered: " << highest << " bytes of a " << kBudget << "-byte budget");
  CHECK(highest > 0);

  // With every unread download still open, the uploader downloads the file whole.
  const auto copy = local.path() / "copy.bin";
  const auto got = (*bob)->download(info->id, copy);
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(contents(copy) == contents(file));

  for (auto& h : held) h->ctx.TryCancel();
  for (auto& h : held) {
    v1::DownloadResponse rest;
    while (h->reader->Read(&rest)) {
    }
    (void)h->reader->Finish();
  }
  // Everything goes back once the downloads end.
  CHECK(poll([&] { return gauge(scrape(metrics_port), "chatcore_transfer_buffered_bytes") == 0; },
             [&] { (void)(*bob)->list_rooms(); }));
  (*bob)->close();
}

}  // TEST_SUITE

}  // namespace chatcore::hardening
