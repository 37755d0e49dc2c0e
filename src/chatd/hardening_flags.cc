#include "hardening_flags.h"

#include "util/fd_limit.h"
#include "util/log.h"

namespace chatd {

void add_hardening_flags(CLI::App& app, chatcore::Config& config, HardeningFlags& flags) {
  app.add_option("--max-sessions", config.max_sessions,
                 "sessions on the whole server (0: three quarters of the fd limit)")
      ->capture_default_str();
  app.add_option("--log-format", flags.log_format, "text, or json (one object per line)")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("--max-transfers", config.max_transfers,
                 "uploads and downloads one session may run at once (0: no limit)")
      ->capture_default_str();
  app.add_option("--transfer-memory", config.transfer_memory,
                 "bytes all transfers together may buffer; each gets a share, at least one "
                 "chunk (0: no budget)")
      ->capture_default_str();
  app.add_option("--max-files-per-user", config.max_files_per_user,
                 "files one user may have stored at once (0: no limit)")
      ->capture_default_str();
  app.add_option("--transfer-idle-s", flags.transfer_idle_s,
                 "cancel an upload or download with no progress for this many seconds")
      ->capture_default_str()
      ->check(CLI::Range(1u, 86400u));
  app.add_option_function<unsigned>(
         "--resume-minutes",
         [&config](unsigned m) { config.resume_keep = std::chrono::minutes(m); },
         "keep an interrupted resumable upload this many minutes for its sender to continue")
      ->default_str(std::to_string(config.resume_keep.count()))
      ->check(CLI::Range(1u, 10080u));
  app.add_flag("--no-reflection", flags.no_reflection,
               "do not offer gRPC server reflection (the schema stays unadvertised)");
}

void apply_hardening_flags(const HardeningFlags& flags, chatcore::Config& config) {
  config.reflection = !flags.no_reflection;
  config.transfer_idle = std::chrono::seconds(flags.transfer_idle_s);
  chatcore::log::set_json(flags.log_format == "json");
  // A descriptor per connection: the soft limit (often 1024) is far below what the hard
  // limit allows, and running out of descriptors must stay rare.
  const auto fds = chatcore::util::raise_fd_limit();
  chatcore::log::info("file descriptor limit {}", fds);
}

}  // namespace chatd
