// The identity secret a client proves its nickname with: 32 random bytes in a file only its
// owner can read, created on first use, and where such files live by default.
#pragma once

#include <chatcore/status.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace chatcore::client {

inline constexpr std::size_t kSecretBytes = 32;

// $XDG_CONFIG_HOME/chatcore/identity, or ~/.config/chatcore/identity.
std::filesystem::path default_identity_file();
// $XDG_STATE_HOME/chatcore, or ~/.local/state/chatcore.
std::filesystem::path default_state_dir();

// The secret in `file`. A missing file is created (mode 0600; missing directories 0700) with
// fresh random bytes. FAILED_PRECONDITION, naming the file, for one that others may read or
// write, that is not a regular file, or that does not hold exactly 32 bytes.
Result<std::string> load_or_create_secret(const std::filesystem::path& file);

}  // namespace chatcore::client
