// An acknowledged upload survives a power cut: chatd runs under strace, and the stored file's
// data is synced before it is renamed into place, and the directory after the rename.
#include <doctest/doctest.h>

#include <regex>

#include "chatd_process.h"
#include "raw.h"

namespace chatcore::hardening {
namespace {

// The index of the first line at or after `from` that matches `pattern`, or -1.
int find_line(const std::vector<std::string>& lines, const std::regex& pattern, int from,
              std::smatch* match = nullptr) {
  for (int i = std::max(from, 0); i < static_cast<int>(lines.size()); ++i) {
    std::smatch m;
    if (std::regex_search(lines[i], m, pattern)) {
      if (match != nullptr) *match = m;
      return i;
    }
  }
  return -1;
}

std::string quoted(const std::string& text) {
  return std::regex_replace(text, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)");
}

}  // namespace

TEST_SUITE("durability") {

TEST_CASE("a stored file and its directory entry are synced before the upload is acknowledged") {
  test::TempDir storage;
  test::TempDir local;
  ChatdProcess chatd(storage.path(), 0, {},
                     {"strace", "-f", "-qq", "-e",
                      "trace=openat,fsync,fdatasync,rename,renameat,renameat2"});
  auto alice = Client::open(chatd.address());
  REQUIRE(alice.ok());
  REQUIRE((*alice)->login("alice", [](const Event&) {}, [](const Status&) {}).ok());
  REQUIRE((*alice)->create_room("in").ok());
  const auto path = make_file(local, "report.bin", 100000);
  auto info = (*alice)->upload(path, {.room = "in", .recipient = {}});
  REQUIRE(info.ok());
  (*alice)->close();
  const auto lines = chatd.stop();

  const std::string part = quoted((storage.path() / (info->id + ".part")).string());
  const std::string dir = quoted(storage.path().string());
  std::smatch m;
  const int opened = find_line(lines, std::regex("openat\\(.*\"" + part + "\".* = (\\d+)"), 0, &m);
  REQUIRE_MESSAGE(opened >= 0, "the partial file was never opened");
  const std::string fd = m[1].str();
  const int synced = find_line(lines, std::regex("f(data)?sync\\(" + fd + "\\) += 0"), opened);
  const int renamed = find_line(lines, std::regex("rename(at2?)?\\(.*\"" + part + "\""), opened);
  REQUIRE_MESSAGE(renamed >= 0, "the file was never renamed into place");
  CHECK_MESSAGE(synced >= 0, "the file's data was never synced");
  CHECK_MESSAGE(synced < renamed, "the file was renamed before its data was synced");
  const int dir_opened =
      find_line(lines, std::regex("openat\\(.*\"" + dir + "\".*O_DIRECTORY.* = (\\d+)"), renamed,
                &m);
  REQUIRE_MESSAGE(dir_opened >= 0, "the storage dir was not opened after the rename");
  const int dir_synced = find_line(lines, std::regex("fsync\\(" + m[1].str() + "\\) += 0"),
                                   dir_opened);
  CHECK_MESSAGE(dir_synced >= 0, "the storage dir was not synced after the rename");
}

}  // TEST_SUITE
}  // namespace chatcore::hardening
