// Choosing the identity: one per ssh key under sshd's ExposeAuthInfo, the flags first, and the
// nickname remembered beside it.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "ssh_identity.h"

using namespace chat;
namespace fs = std::filesystem;

namespace {
// A public key and the fingerprint `ssh-keygen -lf` gives for it.
constexpr char kKey[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA3/feP1zUp2p4g83Qlx7h4jmuH8OaYEKHxWInXT/jDd";
constexpr char kFingerprint[] = "SHA256:FNF5VDiUyiH9ecatAce1gs4UjaqTVuSP5/GDyx0906A";

struct Scratch {
  fs::path dir;
  Scratch() {
    std::string pattern = (fs::temp_directory_path() / "chat-ssh-id-XXXXXX").string();
    dir = ::mkdtemp(pattern.data());
  }
  ~Scratch() { fs::remove_all(dir); }
};
}  // namespace

TEST_CASE("the key an ssh login used names the identity, with ssh-keygen's fingerprint") {
  const auto key = parse_ssh_user_auth(std::string("keyboard-interactive\npublickey ") + kKey + "\n");
  REQUIRE(key.has_value());
  CHECK(key->type == "ssh-ed25519");
  CHECK(key->fingerprint == kFingerprint);
  CHECK(key->file_stem.size() == 64);
  // Another key, another identity; nothing usable, none.
  const auto other = parse_ssh_user_auth(
      "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBQm7ClLd0Ha4nRKwAmZ5Ft0hGTGQkYDVQbUAjwPNfgB");
  REQUIRE(other.has_value());
  CHECK(other->file_stem != key->file_stem);
  CHECK_FALSE(parse_ssh_user_auth("password\n").has_value());
  CHECK_FALSE(parse_ssh_user_auth("publickey ssh-ed25519 not*base64\n").has_value());
  CHECK_FALSE(parse_ssh_user_auth("").has_value());
}

TEST_CASE("--guest and --identity come first; then the ssh key; then the default file") {
  Scratch s;
  const auto auth = s.dir / "auth";
  std::ofstream(auth) << "publickey " << kKey << "\n";
  const auto fallback = s.dir / "config" / "identity";
  CHECK(choose_identity(true, "", auth.c_str(), fallback).file.empty());
  CHECK(choose_identity(false, "mine", auth.c_str(), fallback).file == "mine");
  const auto by_key = choose_identity(false, "", auth.c_str(), fallback);
  CHECK(by_key.file.parent_path() == s.dir / "config" / "ssh");
  CHECK(by_key.note.find(kFingerprint) != std::string::npos);
  CHECK(choose_identity(false, "", nullptr, fallback).file == fallback);
  const auto missing = s.dir / "no-such-file";
  CHECK(choose_identity(false, "", missing.c_str(), fallback).file == fallback);
}

TEST_CASE("the nickname is remembered beside the identity, readable by its owner only") {
  Scratch s;
  const auto identity = s.dir / "identity";
  CHECK(remembered_nickname(identity).empty());
  remember_nickname(identity, "카롤");
  CHECK(remembered_nickname(identity) == "카롤");
  struct stat st {};
  REQUIRE(::stat((s.dir / "identity.nickname").c_str(), &st) == 0);
  CHECK((st.st_mode & 077) == 0);
  remember_nickname({}, "guest");  // a guest keeps nothing
  CHECK(remembered_nickname({}).empty());
}
