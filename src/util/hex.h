// Lowercase hexadecimal text of raw bytes: SHA-256 digests, session tokens and the random part
// of temporary file names all use this one encoding.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

namespace chatcore::util {

std::string to_hex(std::span<const unsigned char> bytes);
// `bytes` bytes from OpenSSL's CSPRNG as 2 * bytes hex digits; nullopt if it has no entropy.
std::optional<std::string> random_hex(std::size_t bytes);

}  // namespace chatcore::util
