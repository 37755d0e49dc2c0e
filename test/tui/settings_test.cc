// chat.conf on real files: where it is looked for, a round trip of every setting, the INI
// form CLI11 reads too, a mistyped key or value refused with the file's name, and a missing
// file that changes nothing.
#include "settings_file.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace chat;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "chat-settings-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

void write_file(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

TEST_CASE("settings: XDG_CONFIG_HOME when absolute, else ~/.config") {
  CHECK(settings_path("/x/conf", "/home/a") == fs::path("/x/conf/chatcore/chat.conf"));
  CHECK(settings_path("", "/home/a") == fs::path("/home/a/.config/chatcore/chat.conf"));
  CHECK(settings_path("relative", "/home/a") == fs::path("/home/a/.config/chatcore/chat.conf"));
  CHECK(settings_path(nullptr, "/home/a") == fs::path("/home/a/.config/chatcore/chat.conf"));
  CHECK(settings_path(nullptr, nullptr).empty());
}

TEST_CASE("settings: written and read back, the directory created") {
  TempDir dir;
  const fs::path path = dir.path / "chatcore" / "chat.conf";
  Settings s;
  s.server = "127.0.0.1:50051";
  s.nick = "alice";
  s.timestamps = false;
  s.nicklist = false;
  s.colours = false;
  s.ignore = {"bob", "Carol"};
  CHECK(write_settings(path, s).empty());
  CHECK_FALSE(fs::exists(dir.path / "chatcore" / "chat.conf.new"));
  Settings back;
  CHECK(read_settings(path, back).empty());
  CHECK(back.server == "127.0.0.1:50051");
  CHECK(back.nick == "alice");
  CHECK_FALSE(back.timestamps);
  CHECK_FALSE(back.nicklist);
  CHECK_FALSE(back.colours);
  CHECK(back.ignore == std::vector<std::string>{"bob", "Carol"});
  // an empty ignore list reads back empty
  s.ignore.clear();
  CHECK(write_settings(path, s).empty());
  back.ignore = {"stale"};
  CHECK(read_settings(path, back).empty());
  CHECK(back.ignore.empty());
}

TEST_CASE("settings: INI with on/off, and keys left out keep their value") {
  TempDir dir;
  const fs::path path = dir.path / "chat.conf";
  write_file(path, "; by hand\nnick=bob\ntimestamps=off\n");
  Settings s;
  s.server = "keep:1";
  CHECK(read_settings(path, s).empty());
  CHECK(s.nick == "bob");
  CHECK_FALSE(s.timestamps);
  CHECK(s.nicklist);
  CHECK(s.server == "keep:1");
}

TEST_CASE("settings: a mistyped key or value is refused, naming the file; nothing changes") {
  TempDir dir;
  const fs::path path = dir.path / "chat.conf";
  Settings s;
  write_file(path, "nick = \"bob\"\ntimestmaps = false\n");
  std::string error = read_settings(path, s);
  CHECK(error.find(path.string()) == 0);
  CHECK(error.find("timestmaps") != std::string::npos);
  CHECK(s.nick.empty());
  write_file(path, "nicklist = maybe\n");
  CHECK_FALSE(read_settings(path, s).empty());
  CHECK(s.nicklist);
}

TEST_CASE("settings: a missing file changes nothing; a value that cannot round-trip is not written") {
  TempDir dir;
  Settings s;
  s.nick = "kept";
  CHECK(read_settings(dir.path / "none.conf", s).empty());
  CHECK(s.nick == "kept");
  s.server = "bad\"quote";
  CHECK_FALSE(write_settings(dir.path / "chat.conf", s).empty());
  CHECK_FALSE(fs::exists(dir.path / "chat.conf"));
}
