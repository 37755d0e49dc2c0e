// The hardening tests' main. Two extra modes:
//   --needs-openssl      exit 77 (skipped) when the openssl command is missing
//   --needs-strace       exit 77 (skipped) when strace is missing or cannot trace here
//   --needs-mount        exit 77 (skipped) when no tmpfs can be mounted in a mount namespace
//   --crash-child ADDRESS NICK ROOM exit|kill
//                        the child process of the client-crash test: logs in with
//                        chatcore::Client, joins ROOM, prints "ready", then _exits (exit) or
//                        waits to be SIGKILLed or SIGSTOPped (kill, freeze)
//   --upload-child ADDRESS NICK RECIPIENT PATH KEY
//                        the child process of the upload-resume test: logs in as NICK, starts
//                        a resumable upload of PATH to RECIPIENT under KEY, prints "half" once
//                        half of it is sent and stops there, waiting to be SIGKILLed
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <chatcore/client.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "util/log.h"

namespace {

int crash_child(const std::string& address, const std::string& nick, const std::string& room,
                const std::string& mode) {
  auto client = chatcore::Client::open(address);
  if (!client.ok()) return 2;
  auto welcome = (*client)->login(nick, [](const chatcore::Event&) {}, [](const chatcore::Status&) {});
  if (!welcome.ok()) return 3;
  if (!(*client)->join_room(room).ok()) return 4;
  std::fputs("ready\n", stdout);
  std::fflush(stdout);
  if (mode == "exit") ::_exit(9);  // no close(), no destructors: the socket just goes away
  for (;;) ::pause();              // until SIGKILL
}

int upload_child(const std::string& address, const std::string& nick,
                 const std::string& recipient, const std::string& path, const std::string& key) {
  auto client = chatcore::Client::open(address);
  if (!client.ok()) return 2;
  if (!(*client)->login(nick, [](const chatcore::Event&) {}, [](const chatcore::Status&) {}).ok()) {
    return 3;
  }
  (void)(*client)->upload_resumable(path, {.room = {}, .recipient = recipient}, key,
                                    [](const chatcore::Progress& p) {
                                      if (p.done * 2 < p.total) return true;
                                      std::fputs("half\n", stdout);
                                      std::fflush(stdout);
                                      for (;;) ::pause();  // until SIGKILL
                                    });
  return 5;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::strcmp(argv[1], "--crash-child") == 0) {
    chatcore::log::set_level(chatcore::log::Level::off);
    return crash_child(argv[2], argv[3], argv[4], argv[5]);
  }
  if (argc == 7 && std::strcmp(argv[1], "--upload-child") == 0) {
    chatcore::log::set_level(chatcore::log::Level::off);
    return upload_child(argv[2], argv[3], argv[4], argv[5], argv[6]);
  }
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--needs-strace") == 0) {
      if (std::system("strace -f -qq -o /dev/null true >/dev/null 2>&1") != 0) {
        std::fputs("strace cannot trace here; skipping\n", stderr);
        return 77;
      }
      continue;
    }
    if (std::strcmp(argv[i], "--needs-mount") == 0) {
      // Mounted over /tmp inside a namespace that ends with the shell: nothing outside sees it.
      if (std::system("unshare -m sh -c 'mount --make-rprivate / &&"
                      " mount -t tmpfs -o size=1m tmpfs /tmp' >/dev/null 2>&1") != 0) {
        std::fputs("no tmpfs can be mounted in a mount namespace here; skipping\n", stderr);
        return 77;
      }
      continue;
    }
    if (std::strcmp(argv[i], "--needs-openssl") == 0) {
      if (std::system("openssl version >/dev/null 2>&1") != 0) {
        std::fputs("openssl is not installed; skipping\n", stderr);
        return 77;
      }
      continue;
    }
    args.push_back(argv[i]);
  }
  chatcore::log::Level level = chatcore::log::Level::warn;
  if (const char* env = std::getenv("CHATCORE_TEST_LOG")) chatcore::log::parse_level(env, level);
  chatcore::log::set_level(level);
  doctest::Context context(static_cast<int>(args.size()), args.data());
  return context.run();
}
