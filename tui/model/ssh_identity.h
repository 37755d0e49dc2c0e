// Which identity chat signs in with, and the nickname it last used with it. Under ssh (sshd's
// ExposeAuthInfo names the key a person logged in with in $SSH_USER_AUTH) each key gets an
// identity of its own, so people sharing one login account each keep their nickname and rooms.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace chat {

struct SshKey {
  std::string type;         // "ssh-ed25519", ...
  std::string fingerprint;  // "SHA256:..." as ssh-keygen -l shows it
  std::string file_stem;    // the same digest in hex, for a file name
};

// The first public key in the text of an ExposeAuthInfo file ("publickey TYPE BASE64" lines);
// nullopt when it names none (a password login) or the key does not decode.
std::optional<SshKey> parse_ssh_user_auth(std::string_view text);

struct IdentityChoice {
  std::filesystem::path file;  // empty: a guest
  std::string note;            // said once connected; empty when there is nothing to say
};

// --guest: none. --identity FILE: that file. Else, with $SSH_USER_AUTH (`ssh_user_auth`, may
// be null) naming a key: `config_dir`/ssh/STEM.identity for it. Else `default_file`.
IdentityChoice choose_identity(bool guest, const std::string& flag, const char* ssh_user_auth,
                               const std::filesystem::path& default_file);

// The nickname last used with `identity` (kept beside it); empty when none was kept.
std::string remembered_nickname(const std::filesystem::path& identity);
// Keeps `nickname` beside `identity` (mode 0600, like the identity); failures only mean the
// prompt is not filled in next time.
void remember_nickname(const std::filesystem::path& identity, const std::string& nickname);

}  // namespace chat
