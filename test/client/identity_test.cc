// The identity file: created private on first use, the same secret afterwards, and files
// that are not a private 32-byte secret refused with a message naming them.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "client/identity.h"
#include "../integration/harness.h"

using chatcore::Code;
using chatcore::client::load_or_create_secret;
using chatcore::test::TempDir;
namespace fs = std::filesystem;

namespace {
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}
void write(const fs::path& p, const std::string& bytes, unsigned mode) {
  std::ofstream(p, std::ios::binary) << bytes;
  REQUIRE(::chmod(p.c_str(), mode) == 0);
}
}  // namespace

TEST_CASE("an identity is created private on first use and read back unchanged") {
  TempDir dir;
  const fs::path file = dir.path() / "a" / "b" / "identity";
  auto first = load_or_create_secret(file);
  REQUIRE_MESSAGE(first.ok(), first.status().to_string());
  CHECK(first->size() == 32);
  CHECK(mode_of(file) == 0600);
  CHECK(mode_of(dir.path() / "a" / "b") == 0700);
  CHECK(mode_of(dir.path() / "a") == 0700);
  auto again = load_or_create_secret(file);
  REQUIRE(again.ok());
  CHECK(*again == *first);
  // Nothing but the secret is left behind in its directory.
  CHECK(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()) == 1);
  TempDir other;
  auto second = load_or_create_secret(other.path() / "identity");
  REQUIRE(second.ok());
  CHECK(*second != *first);  // 256 random bits each
}

TEST_CASE("an identity file others may read, of the wrong size, or not a file is refused") {
  TempDir dir;
  const fs::path file = dir.path() / "identity";
  write(file, std::string(32, 'x'), 0644);
  auto open = load_or_create_secret(file);
  CHECK(open.status().code == Code::failed_precondition);
  CHECK(open.status().message.find(file.string()) != std::string::npos);
  CHECK(open.status().message.find("mode 0644") != std::string::npos);
  write(file, std::string(32, 'x'), 0640);
  CHECK(load_or_create_secret(file).status().code == Code::failed_precondition);
  write(file, std::string(31, 'x'), 0600);
  auto short_one = load_or_create_secret(file);
  CHECK(short_one.status().code == Code::failed_precondition);
  CHECK(short_one.status().message.find("holds 31 bytes") != std::string::npos);
  write(file, std::string(32, 'x'), 0600);
  CHECK(*load_or_create_secret(file) == std::string(32, 'x'));
  fs::create_directory(dir.path() / "dir");
  CHECK(load_or_create_secret(dir.path() / "dir").status().code == Code::failed_precondition);
}

TEST_CASE("the default places follow XDG_CONFIG_HOME and XDG_STATE_HOME, else HOME") {
  TempDir dir;
  const std::string home = dir.path().string();
  ::setenv("HOME", home.c_str(), 1);
  ::unsetenv("XDG_CONFIG_HOME");
  ::unsetenv("XDG_STATE_HOME");
  CHECK(chatcore::client::default_identity_file() == dir.path() / ".config/chatcore/identity");
  CHECK(chatcore::client::default_state_dir() == dir.path() / ".local/state/chatcore");
  ::setenv("XDG_CONFIG_HOME", (home + "/conf").c_str(), 1);
  ::setenv("XDG_STATE_HOME", (home + "/state").c_str(), 1);
  CHECK(chatcore::client::default_identity_file() == dir.path() / "conf/chatcore/identity");
  CHECK(chatcore::client::default_state_dir() == dir.path() / "state/chatcore");
  ::setenv("XDG_STATE_HOME", "relative", 1);  // the spec says to ignore a relative one
  CHECK(chatcore::client::default_state_dir() == dir.path() / ".local/state/chatcore");
}
