#include "flags.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace chatd {
namespace {

// Durations are whole milliseconds on the command line; the callback keeps Config the only
// copy of the value, and the default shown by --help is read from it.
CLI::Option* add_ms(CLI::App& app, const std::string& name, std::chrono::milliseconds& target,
                    const std::string& help, int min, int max) {
  return app
      .add_option_function<int>(
          name, [&target](int ms) { target = std::chrono::milliseconds(ms); }, help)
      ->default_str(std::to_string(target.count()))
      ->check(CLI::Range(min, max));
}

// Paths are bound as strings: a path's operator<< would quote the default in --help.
CLI::Option* add_path(CLI::App& app, const std::string& name, std::filesystem::path& target,
                      const std::string& help) {
  return app
      .add_option_function<std::string>(
          name, [&target](const std::string& text) { target = text; }, help)
      ->default_str(target.string());
}

}  // namespace

void add_network_flags(CLI::App& app, Settings& settings) {
  chatcore::Config& c = settings.config;
  app.add_option("--listen", c.listen, "address to listen on, host:port (port 0: any)")
      ->capture_default_str();
  app.add_flag("--reuse-port", c.reuse_port,
               "share the --listen port with other chatd that set it too (SO_REUSEPORT)");
  add_path(app, "--tls-cert", c.tls_cert, "PEM certificate: serve TLS only")
      ->check(CLI::ExistingFile);
  add_path(app, "--tls-key", c.tls_key, "PEM private key of --tls-cert")
      ->check(CLI::ExistingFile);
  add_path(app, "--tls-ca", c.tls_client_ca, "PEM CA: require client certificates signed by it")
      ->check(CLI::ExistingFile);
  add_ms(app, "--keepalive-ms", c.keepalive_time,
         "ping idle connections this often (see --keepalive-timeout-ms)", 1000, 3600000);
  add_ms(app, "--keepalive-timeout-ms", c.keepalive_timeout,
         "how long a pinged peer may stay silent before it is dropped", 1000, 600000);
  add_ms(app, "--handshake-timeout-ms", c.handshake_timeout,
         "close connections that have not finished their handshake by then", 1000, 600000);
  add_ms(app, "--idle-connection-ms", c.idle_connection_timeout,
         "close connections that have had no call open for this long", 1000, 86400000);
}

void add_storage_flags(CLI::App& app, Settings& settings) {
  chatcore::Config& c = settings.config;
  add_path(app, "--data-dir", c.data_dir,
           "holds the database (chatcore.db) and, by default, the files; created if missing");
  // Empty (the default) means DATA-DIR/files; --print-config writes it empty so it follows.
  add_path(app, "--storage-dir", c.storage_dir,
           "where uploaded files are stored (empty: DATA-DIR/files)");
  app.add_option_function<std::string>(
         "--durability",
         [&c](const std::string& v) {
           c.durability = v == "full" ? chatcore::Durability::full : chatcore::Durability::normal;
         },
         "normal: an acknowledged message survives a crash of chatd; full: also a power cut "
         "(an fsync per commit)")
      ->check(CLI::IsMember({"normal", "full"}))
      ->default_str("normal");
  app.add_option("--max-file-size", c.limits.max_file_size, "largest accepted upload, in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_option("--chunk-size", c.limits.chunk_size, "file transfer chunk size, in bytes")
      ->capture_default_str()
      ->check(CLI::Range(1024u, 4u << 20));
  app.add_option("--storage-quota", c.storage_quota,
                 "bytes that stored files and uploads in flight may take (0: free disk only)")
      ->capture_default_str();
  app.add_option("--io-threads", c.io_threads, "threads for disk I/O and hashing")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
}

void add_limit_flags(CLI::App& app, Settings& settings) {
  chatcore::Config& c = settings.config;
  app.add_option("--history", c.limits.history, "room messages replayed to someone who joins")
      ->capture_default_str()
      ->check(CLI::Range(0u, 100000u));
  app.add_option("--history-keep", c.history_keep,
                 "room messages kept per room, and DMs per conversation (0: all)")
      ->capture_default_str();
  app.add_option("--history-days", c.history_days,
                 "days room messages and DMs are kept (0: for ever)")
      ->capture_default_str()
      ->check(CLI::Range(0, 36500));
  app.add_option("--nick-days", c.nick_days,
                 "days an unused identity keeps its nickname and memberships (0: for ever)")
      ->capture_default_str()
      ->check(CLI::Range(0, 36500));
  app.add_option("--file-days", c.file_days,
                 "days a sent file is kept, then deleted from the registry and the disk (0: for ever)")
      ->capture_default_str()
      ->check(CLI::Range(0, 36500));
  app.add_option("--max-queue-events", c.max_queue_events,
                 "events queued for one client before it is disconnected")
      ->capture_default_str();
  app.add_option("--max-queue-bytes", c.max_queue_bytes,
                 "bytes queued for one client before it is disconnected")
      ->capture_default_str();
  app.add_option("--message-rate", c.message_rate.per_second,
                 "room messages and DMs a user may send per second (0: no limit)")
      ->capture_default_str();
  app.add_option("--message-burst", c.message_rate.burst,
                 "messages a user may send at once before the rate applies")
      ->capture_default_str();
  app.add_option("--command-rate", c.command_rate.per_second,
                 "other requests a user may make per second (0: no limit)")
      ->capture_default_str();
  app.add_option("--command-burst", c.command_rate.burst, "other requests a user may make at once")
      ->capture_default_str();
  app.add_option("--max-sessions-per-peer", c.max_sessions_per_peer,
                 "sessions from one IP address (0: no limit)")
      ->capture_default_str();
  app.add_option("--max-rooms", c.max_rooms, "rooms on the server")->capture_default_str();
  app.add_option("--max-room-members", c.max_room_members, "members in one room")
      ->capture_default_str();
}

void add_service_flags(CLI::App& app, Settings& settings) {
  app.add_option("--log-level", settings.log_level, "debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error", "off"}));
  add_ms(app, "--shutdown-grace-ms", settings.config.shutdown_grace,
         "how long clients get to receive the shutdown notice", 0, 600000);
  app.add_option("--metrics-listen", settings.metrics_listen,
                 "serve Prometheus metrics at http://HOST:PORT/metrics (off when empty)");
  app.set_config("--config", "", "read flags from this INI/TOML file (keys are flag names)");
  // A misspelt key must fail loudly rather than leave a default silently in force.
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.add_flag("--print-config", settings.print_config,
               "print the settings in config file form and exit")
      ->configurable(false);
  app.set_version_flag("--version", std::string("chatd ") + CHATCORE_VERSION);
}

}  // namespace chatd
