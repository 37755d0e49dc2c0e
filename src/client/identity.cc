// The identity file: read with the same checks ssh applies to a private key, and created so
// that no reader ever sees a partly written or a world-readable secret.
#include "client/identity.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/escape.h"
#include "util/files.h"

namespace chatcore::client {
namespace {

namespace fs = std::filesystem;

fs::path xdg_dir(const char* variable, const char* fallback_under_home) {
  const char* set = std::getenv(variable);
  if (set != nullptr && set[0] == '/') return fs::path(set) / "chatcore";
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr && home[0] != '\0' ? home : ".") / fallback_under_home / "chatcore";
}

std::string quoted(const fs::path& file) { return fmt::format("'{}'", util::escape(file.string(), 200)); }

Status refused(const fs::path& file, const std::string& why) {
  return Status(Code::failed_precondition, fmt::format("identity file {}: {}", quoted(file), why));
}

Status os_error(const fs::path& file, const char* doing) {
  return refused(file, fmt::format("cannot {}: {}", doing, std::strerror(errno)));
}

// Every missing directory on the way gets mode 0700: the secret's directory is private too.
Status make_private_dirs(const fs::path& file, const fs::path& dir) {
  if (dir.empty()) return {};
  struct stat st {};
  if (::stat(dir.c_str(), &st) == 0) return {};
  if (Status up = make_private_dirs(file, dir.parent_path()); !up.ok()) return up;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return os_error(file, "create its directory");
  return {};
}

Result<std::string> read_secret(const fs::path& file, int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return os_error(file, "read it");
  if (!S_ISREG(st.st_mode)) return refused(file, "not a regular file");
  if ((st.st_mode & 077) != 0) {
    return refused(file, fmt::format("others may read or change it (mode {:04o}); chmod 600 it",
                                     st.st_mode & 07777));
  }
  if (st.st_size != static_cast<off_t>(kSecretBytes)) {
    return refused(file, fmt::format("holds {} bytes, a chatcore identity has {}", st.st_size,
                                     kSecretBytes));
  }
  std::string secret(kSecretBytes, '\0');
  std::size_t got = 0;
  while (got < secret.size()) {
    const ssize_t n = ::read(fd, secret.data() + got, secret.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return os_error(file, "read it");
    got += static_cast<std::size_t>(n);
  }
  return secret;
}

Result<std::string> load(const fs::path& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return os_error(file, "open it");
  auto secret = read_secret(file, fd);
  ::close(fd);
  return secret;
}

// Written under a temporary name and linked into place, so a second process starting at the
// same moment either finds nothing or a whole secret, and the first one to link wins.
Result<std::string> create(const fs::path& file) {
  if (Status dirs = make_private_dirs(file, file.parent_path()); !dirs.ok()) return dirs;
  std::string secret(kSecretBytes, '\0');
  if (::getrandom(secret.data(), secret.size(), 0) != static_cast<ssize_t>(secret.size())) {
    return os_error(file, "get random bytes for it");
  }
  std::string temp = (file.parent_path() / ".identity.XXXXXX").string();
  const int fd = ::mkstemp(temp.data());  // mode 0600
  if (fd < 0) return os_error(file, "create it");
  const bool written = ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size()) &&
                       ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  const bool linked = written && ::link(temp.c_str(), file.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (!written) {
    errno = saved;
    return os_error(file, "write it");
  }
  if (!linked) {
    if (link_errno == EEXIST) return load(file);
    errno = link_errno;
    return os_error(file, "create it");
  }
  (void)util::sync_dir(file.parent_path());
  return secret;
}

}  // namespace

fs::path default_identity_file() { return xdg_dir("XDG_CONFIG_HOME", ".config") / "identity"; }

fs::path default_state_dir() { return xdg_dir("XDG_STATE_HOME", ".local/state"); }

Result<std::string> load_or_create_secret(const fs::path& file) {
  if (file.empty()) return refused(file, "no path given");
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    if (errno != ENOENT) return os_error(file, "look at it");
    return create(file);
  }
  return load(file);
}

}  // namespace chatcore::client
