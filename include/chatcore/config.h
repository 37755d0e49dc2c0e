// Configuration of a chat server: where it listens, where files go, and its limits.
// Every field has the default chatd uses; docs/operations.md lists them.
#pragma once

#include <chatcore/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace chatcore {

// A token bucket: `burst` requests at once, refilled at `per_second`. per_second 0 = no limit.
struct RateLimit {
  double per_second = 0;
  double burst = 0;
};

// How far a commit goes before a message is acknowledged. normal: WAL with synchronous=NORMAL,
// which survives a crash of the process but may lose the last commits on a power cut; full:
// synchronous=FULL, which survives that too at the cost of an fsync per commit.
enum class Durability { normal, full };

struct Config {
  std::string listen = "127.0.0.1:50051";  // host:port; port 0 lets the OS pick
  // SO_REUSEPORT: several servers that all set it share one port and the kernel spreads new
  // connections over them. Off, a busy port is refused.
  bool reuse_port = false;
  // Holds the database (chatcore.db) and, unless storage_dir says otherwise, the files.
  std::filesystem::path data_dir = "chatcore-data";
  // Where uploaded files go; empty: data_dir / "files".
  std::filesystem::path storage_dir;
  Durability durability = Durability::normal;
  Limits limits;
  // A session whose outgoing queue exceeds either bound is closed (RESOURCE_EXHAUSTED).
  std::size_t max_queue_events = 100000;
  std::size_t max_queue_bytes = 64ull << 20;
  // Flood protection, per user: room messages and DMs; every other request (uploads included).
  RateLimit message_rate{3, 10};
  RateLimit command_rate{10, 30};
  // Sessions on the whole server; 0 = derived from the file descriptor limit, leaving a
  // quarter of it (at least 64) for transfers and everything else.
  std::size_t max_sessions = 0;
  std::size_t max_sessions_per_peer = 100;  // sessions from one IP address; 0 = no limit
  // Uploads and downloads one session may run at once (each may buffer ~2 MiB); 0 = no limit.
  std::size_t max_transfers = 4;
  // Bytes all transfers together may buffer (download read-ahead, upload chunks not yet on
  // disk); with many open, each gets a smaller window, never less than one chunk. 0 = no
  // budget.
  std::uint64_t transfer_memory = 256ull << 20;
  std::size_t max_rooms = 10000;
  std::size_t max_room_members = 10000;
  // Files one user may have stored at once (0: no cap); see ChatHub's file registry.
  std::size_t max_files_per_user = 100;
  // Bytes all stored files and uploads in flight may take; 0 = only free disk space limits.
  std::uint64_t storage_quota = 0;
  int io_threads = 2;  // disk and hashing pool

  // Retention, applied at start-up and every minute; 0 keeps everything of that kind.
  std::size_t history_keep = 10000;  // room messages per room, and DMs per pair
  int history_days = 30;             // room messages and DMs older than this go
  int nick_days = 90;  // an identity not seen for this long goes, its nickname freed
  int file_days = 30;  // a file sent longer ago goes, from the registry and the disk

  // TLS: with a certificate and key (PEM files) the server speaks only TLS. With a client CA
  // too, every client must present a certificate signed by it.
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  std::filesystem::path tls_client_ca;
  // gRPC server reflection, which advertises the schema to tools like grpcurl.
  bool reflection = true;

  // HTTP/2 keepalive: a peer that stops answering pings is dropped after time + timeout.
  std::chrono::milliseconds keepalive_time{30000};
  std::chrono::milliseconds keepalive_timeout{10000};
  // A connection that has not finished its handshake by then is closed.
  std::chrono::milliseconds handshake_timeout{10000};
  // A connection with no call open for this long (one that never logged in, or whose session
  // ended) is closed; a logged-in session always has its Connect stream open.
  std::chrono::milliseconds idle_connection_timeout{300000};
  std::chrono::milliseconds shutdown_grace{2000};
  // An upload or download with no progress for this long is cancelled: a stalled upload
  // must not hold its disk reservation, nor a stalled download its buffers, forever.
  std::chrono::milliseconds transfer_idle{60000};
  // An upload that named an upload_key and was cut off is kept (under files/partial) for
  // this long after its last byte, so that its sender can resume it.
  std::chrono::minutes resume_keep{60};
  std::string server_name = "chatd";
  // Server operators: identities named by their fingerprint (the hex SHA-256 of the identity
  // secret) or a prefix of it of at least 16 hex digits. They may kick, ban and mute anyone,
  // anywhere, and set the MOTD.
  std::vector<std::string> operators{};
};

// The directory that holds uploaded files under this config.
inline std::filesystem::path files_dir(const Config& config) {
  return config.storage_dir.empty() ? config.data_dir / "files" : config.storage_dir;
}

}  // namespace chatcore
