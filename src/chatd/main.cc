// chatd: the stock chat server. Flags map onto chatcore::Config; SIGINT/SIGTERM (a Boost.Asio
// signal_set) shut it down cleanly, telling every client first.
#include <chatcore/server.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <thread>

#include "hardening_flags.h"
#include "util/log.h"

int main(int argc, char** argv) {
  chatcore::Config config;
  std::string log_level = "info";
  std::uint64_t max_file_size = config.limits.max_file_size;
  std::uint32_t history = config.limits.history;
  std::uint32_t chunk_size = config.limits.chunk_size;
  std::string storage = config.storage_dir.string();
  int grace_ms = static_cast<int>(config.shutdown_grace.count());

  CLI::App app{"chatd - the chatcore chat server"};
  app.add_option("--listen", config.listen, "address to listen on, host:port (port 0: any)")
      ->capture_default_str();
  app.add_option("--storage-dir", storage, "where uploaded files are stored")
      ->capture_default_str();
  app.add_option("--max-file-size", max_file_size, "largest accepted upload, in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  app.add_option("--history", history, "room messages replayed to someone who joins")
      ->capture_default_str()
      ->check(CLI::Range(0u, 100000u));
  app.add_option("--chunk-size", chunk_size, "file transfer chunk size, in bytes")
      ->capture_default_str()
      ->check(CLI::Range(1024u, 4u << 20));
  app.add_option("--max-queue-events", config.max_queue_events,
                 "events queued for one client before it is disconnected")
      ->capture_default_str();
  app.add_option("--max-queue-bytes", config.max_queue_bytes,
                 "bytes queued for one client before it is disconnected")
      ->capture_default_str();
  app.add_option("--io-threads", config.io_threads, "threads for disk I/O and hashing")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  app.add_option("--shutdown-grace-ms", grace_ms,
                 "how long clients get to receive the shutdown notice")
      ->capture_default_str();
  app.add_option("--message-rate", config.message_rate.per_second,
                 "room messages and DMs a user may send per second (0: no limit)")
      ->capture_default_str();
  app.add_option("--message-burst", config.message_rate.burst,
                 "messages a user may send at once before the rate applies")
      ->capture_default_str();
  app.add_option("--command-rate", config.command_rate.per_second,
                 "other requests a user may make per second (0: no limit)")
      ->capture_default_str();
  app.add_option("--command-burst", config.command_rate.burst,
                 "other requests a user may make at once")
      ->capture_default_str();
  app.add_option("--max-sessions-per-peer", config.max_sessions_per_peer,
                 "sessions from one IP address (0: no limit)")
      ->capture_default_str();
  app.add_option("--max-rooms", config.max_rooms, "rooms on the server")->capture_default_str();
  app.add_option("--max-room-members", config.max_room_members, "members in one room")
      ->capture_default_str();
  app.add_option("--storage-quota", config.storage_quota,
                 "bytes that stored files and uploads in flight may take (0: free disk only)")
      ->capture_default_str();
  std::string tls_cert, tls_key, tls_ca;
  app.add_option("--tls-cert", tls_cert, "PEM certificate: serve TLS only")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--tls-ca", tls_ca, "PEM CA: require client certificates signed by it")
      ->check(CLI::ExistingFile);
  int keepalive_ms = static_cast<int>(config.keepalive_time.count());
  app.add_option("--keepalive-ms", keepalive_ms,
                 "ping idle connections this often (see --keepalive-timeout-ms)")
      ->capture_default_str()
      ->check(CLI::Range(1000, 3600000));
  int keepalive_timeout_ms = static_cast<int>(config.keepalive_timeout.count());
  app.add_option("--keepalive-timeout-ms", keepalive_timeout_ms,
                 "how long a pinged peer may stay silent before it is dropped")
      ->capture_default_str()
      ->check(CLI::Range(1000, 600000));
  int handshake_ms = static_cast<int>(config.handshake_timeout.count());
  app.add_option("--handshake-timeout-ms", handshake_ms,
                 "close connections that have not finished their handshake by then")
      ->capture_default_str()
      ->check(CLI::Range(1000, 600000));
  int idle_ms = static_cast<int>(config.idle_connection_timeout.count());
  app.add_option("--idle-connection-ms", idle_ms,
                 "close connections that have had no call open for this long")
      ->capture_default_str()
      ->check(CLI::Range(1000, 86400000));
  app.add_option("--log-level", log_level, "debug, info, warn, error or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error", "off"}));
  chatd::HardeningFlags hardening;
  chatd::add_hardening_flags(app, config, hardening);
  CLI11_PARSE(app, argc, argv);
  chatd::apply_hardening_flags(hardening);

  chatcore::log::Level level{};
  chatcore::log::parse_level(log_level, level);
  chatcore::log::set_level(level);
  config.storage_dir = storage;
  config.limits.max_file_size = max_file_size;
  config.limits.history = history;
  config.limits.chunk_size = chunk_size;
  config.shutdown_grace = std::chrono::milliseconds(grace_ms);
  config.tls_cert = tls_cert;
  config.tls_key = tls_key;
  config.tls_client_ca = tls_ca;
  config.keepalive_time = std::chrono::milliseconds(keepalive_ms);
  config.keepalive_timeout = std::chrono::milliseconds(keepalive_timeout_ms);
  config.handshake_timeout = std::chrono::milliseconds(handshake_ms);
  config.idle_connection_timeout = std::chrono::milliseconds(idle_ms);

  // The signal_set turns SIGINT/SIGTERM into a handler on this thread, whichever thread the
  // kernel picked to deliver them.
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);

  chatcore::Server server(config);
  if (auto status = server.start(); !status.ok()) {
    chatcore::log::error("chatd: {}", status.message);
    return 1;
  }
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    chatcore::log::info("received {}", signal == SIGINT ? "SIGINT" : "SIGTERM");
    server.shutdown("the server is shutting down");
  });
  io.run();
  return 0;
}
