#include "ssh_identity.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <sys/stat.h>

#include <array>
#include <fstream>
#include <sstream>
#include <vector>

namespace chat {
namespace {

// OpenSSL's base64 decoder: EVP_DecodeBlock counts the padding as zero bytes, taken off here.
std::optional<std::string> base64_decode(std::string_view in) {
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()),
                                static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  if (in.ends_with("==")) size -= 2;
  else if (in.ends_with("=")) size -= 1;
  out.resize(size);
  return out;
}

// ssh-keygen's SHA256 fingerprint: base64 of the digest with the padding dropped.
std::string base64_unpadded(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::filesystem::path nickname_file(const std::filesystem::path& identity) {
  auto file = identity;
  file += ".nickname";
  return file;
}

}  // namespace

std::optional<SshKey> parse_ssh_user_auth(std::string_view text) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string method, type, blob;
    if (!(words >> method >> type >> blob) || method != "publickey") continue;
    const auto key = base64_decode(blob);
    if (!key || key->empty()) continue;
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(key->data()), key->size(), digest.data());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char b : digest) {
      hex += kHex[b >> 4];
      hex += kHex[b & 0xf];
    }
    return SshKey{.type = type,
                  .fingerprint = "SHA256:" + base64_unpadded(digest.data(), digest.size()),
                  .file_stem = hex};
  }
  return std::nullopt;
}

IdentityChoice choose_identity(bool guest, const std::string& flag, const char* ssh_user_auth,
                               const std::filesystem::path& default_file) {
  if (guest) return {};
  if (!flag.empty()) return {.file = flag, .note = {}};
  if (ssh_user_auth != nullptr && *ssh_user_auth != '\0') {
    std::ifstream in(ssh_user_auth);
    std::stringstream text;
    text << in.rdbuf();
    if (auto key = parse_ssh_user_auth(text.str())) {
      return {.file = default_file.parent_path() / "ssh" / (key->file_stem + ".identity"),
              .note = "your identity is your ssh key (" + key->type + " " + key->fingerprint + ")"};
    }
  }
  return {.file = default_file, .note = {}};
}

std::string remembered_nickname(const std::filesystem::path& identity) {
  if (identity.empty()) return {};
  std::ifstream in(nickname_file(identity));
  std::string nick;
  std::getline(in, nick);
  return nick;
}

void remember_nickname(const std::filesystem::path& identity, const std::string& nickname) {
  if (identity.empty() || nickname.empty() || remembered_nickname(identity) == nickname) return;
  const auto file = nickname_file(identity);
  std::ofstream out(file, std::ios::trunc);
  out << nickname << '\n';
  out.close();
  ::chmod(file.c_str(), S_IRUSR | S_IWUSR);
}

}  // namespace chat
