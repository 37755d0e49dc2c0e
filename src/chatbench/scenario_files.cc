// files: a random file uploaded and downloaded with chatcore::Client, against chatcore and
// against the ceiling (upload discarded and written to disk), then again while a paced
// fanout runs, to see what a transfer does to chat latency.
#include <fmt/format.h>
#include <chatcore/client.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>

#include "chatbench/ceiling_server.h"
#include "chatbench/scenarios.h"
#include "chatbench/target.h"
#include "util/files.h"

namespace chatbench {
namespace {

// Writes `mib` MiB of random bytes; returns the sha256.
std::string make_file(const std::string& path, int mib) {
  chatcore::util::Sha256 sha;
  std::mt19937_64 rng(42);
  std::vector<std::uint64_t> block(1 << 17);  // 1 MiB
  const int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  for (int i = 0; i < mib && fd >= 0; ++i) {
    for (auto& w : block) w = rng();
    const std::size_t bytes = block.size() * sizeof(std::uint64_t);
    if (::write(fd, block.data(), bytes) != static_cast<ssize_t>(bytes)) break;
    sha.update(std::string_view(reinterpret_cast<const char*>(block.data()), bytes));
  }
  if (fd >= 0) ::close(fd);
  return sha.hex();
}

std::string file_sha256(const std::string& path) {
  chatcore::util::Sha256 sha;
  chatcore::util::FileReader reader;
  if (!reader.open(path).ok()) return {};
  for (;;) {
    auto block = reader.read(1 << 20);
    if (!block.ok() || block->empty()) break;
    sha.update(*block);
  }
  return sha.hex();
}

struct Transfer {
  bool ok = false;
  double upload_mbps = 0, download_mbps = 0;
  bool sha_ok = false;
};

// Upload then (optionally) download through chatcore::Client; MB = 10^6 bytes.
Transfer transfer(const std::string& address, const std::string& src, const std::string& sha,
                  double mb, bool download, const std::string& dest) {
  Transfer t;
  auto client = chatcore::Client::open(address);
  if (!client.ok()) return t;
  auto& c = **client;
  if (!c.login(fmt::format("f{}", now_ns() % 100000), [](const chatcore::Event&) {},
               [](const chatcore::Status&) {}).ok()) {
    return t;
  }
  if (!c.create_room("files").ok()) return t;
  std::int64_t t0 = now_ns();
  auto up = c.upload(src, {.room = "files", .recipient = {}});
  if (!up.ok()) {
    std::fprintf(stderr, "chatbench: upload failed: %s\n", up.status().to_string().c_str());
    return t;
  }
  t.upload_mbps = mb / (static_cast<double>(now_ns() - t0) / 1e9);
  t.ok = true;
  if (!download) return t;
  std::filesystem::remove(dest);
  t0 = now_ns();
  auto down = c.download(up->id, dest, true);
  if (!down.ok()) {
    std::fprintf(stderr, "chatbench: download failed: %s\n", down.status().to_string().c_str());
    t.ok = false;
    return t;
  }
  t.download_mbps = mb / (static_cast<double>(now_ns() - t0) / 1e9);
  t.sha_ok = file_sha256(dest) == sha;
  std::filesystem::remove(dest);
  return t;
}

}  // namespace

bool run_files(const Options& o) {
  const std::string src = scratch(o, "source.bin");
  const std::string dest = scratch(o, "download.bin");
  const std::string sha = make_file(src, o.file_mib);
  const double mb = o.file_mib * 1048576.0 / 1e6;
  const auto kind = !o.server.empty() ? ChatTarget::Kind::external
                    : o.child_server  ? ChatTarget::Kind::child
                                      : ChatTarget::Kind::in_process;
  Transfer chat, during, ceil_disk, ceil_discard;
  double chat_p99 = -1;
  std::uint64_t chat_lost = 0;
  {
    const std::string storage = scratch(o, "files-storage");
    auto target = ChatTarget::start(o, kind, storage);
    if (!target) return false;
    chat = transfer(target->address(), src, sha, mb, true, dest);
    if (kind != ChatTarget::Kind::external) {
      // The files of the first transfer go, so the second starts from the same quota; the
      // database ("data") stays, as it must under a running server.
      for (const auto& e : std::filesystem::directory_iterator(target->dir())) {
        if (e.path().filename() != "data") std::filesystem::remove_all(e.path());
      }
    }
    const PacedRun paced = paced_once(o, target->address(), 10000, 20, 0, [&] {
      during = transfer(target->address(), src, sha, mb, true, dest);
    });
    chat_p99 = paced.latency.percentile_ms(99);
    chat_lost = paced.lost;
  }
  if (!o.no_ceiling) {
    const std::string dir = scratch(o, "ceiling-files");
    std::filesystem::create_directories(dir);
    {
      CeilingServer c({.batched = true, .upload_to_disk = false, .dir = dir});
      if (c.start()) ceil_discard = transfer(c.address(), src, sha, mb, false, dest);
    }
    {
      CeilingServer c({.batched = true, .upload_to_disk = true, .dir = dir});
      if (c.start()) ceil_disk = transfer(c.address(), src, sha, mb, true, dest);
    }
    std::filesystem::remove_all(dir);
  }
  std::filesystem::remove(src);
  Record rec("files");
  rec.add("mib", o.file_mib).add("upload_mbps", chat.upload_mbps)
      .add("download_mbps", chat.download_mbps)
      .add("ceiling_upload_discard_mbps", ceil_discard.upload_mbps)
      .add("ceiling_upload_disk_mbps", ceil_disk.upload_mbps)
      .add("ceiling_download_mbps", ceil_disk.download_mbps)
      .add("ratio_upload_to_ceiling_disk", ratio(chat.upload_mbps, ceil_disk.upload_mbps))
      .add("ratio_download_to_ceiling", ratio(chat.download_mbps, ceil_disk.download_mbps))
      .add("sha256_ok", chat.sha_ok && during.sha_ok)
      .add("upload_mbps_during_chat", during.upload_mbps)
      .add("download_mbps_during_chat", during.download_mbps)
      .add("chat_p99_ms_during_transfer", chat_p99).add("chat_lost_during_transfer", chat_lost);
  emit(rec, o.json);
  return chat.ok && during.ok && chat.sha_ok && during.sha_ok && chat_lost == 0;
}

}  // namespace chatbench
