// The JetStream stream that holds the replicated command log: its name, subjects and limits,
// created or brought up to date by the node that starts, so every node agrees on them.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <chatcore/status.h>

namespace chatcore::cluster {

struct LogStreamConfig {
  std::string name = "CHATCORE_LOG";
  std::string subjects = "chatcore.log.>";  // a node publishes on chatcore.log.<node id>
  int replicas = 1;                         // min(3, NATS cluster size)
  std::int64_t max_age_ms = 0;              // 0: no limit (see docs/cluster.md)
  std::int64_t max_bytes = -1;              // -1: no limit
  // A retried publish (same Nats-Msg-Id) within this window is stored once.
  std::int64_t duplicate_window_ms = 2 * 60 * 1000;
};

// Where the log stands now.
struct LogState {
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::uint64_t messages = 0;
};

// Creates the stream, or updates one with other limits (keeping its replicas when it has
// more than `config` asks for); returns its replicas. UNAVAILABLE with the server's words
// when JetStream does not answer, FAILED_PRECONDITION when it refuses the configuration.
Result<int> ensure_log_stream(jsCtx* js, const LogStreamConfig& config);
// The stream's sequence range, once it has a leader (a stream just created may not have one
// yet); waits out an unanswered request or an election for up to 45 s.
Result<LogState> log_state(jsCtx* js, const std::string& stream);

// Options for the JetStream calls a starting node makes (stream, consumer): a longer wait
// than a publish's, so that a leader election at start-up does not stop the node.
jsOptions setup_options();

// The stream sequence in a JetStream message's reply subject: "$JS.ACK.<stream>.<consumer>.
// <delivered>.<stream seq>.<consumer seq>.<time>.<pending>", or the same with a domain and an
// account hash before the stream (and a random token after); 0 for anything else. It is what
// natsMsg_GetMetaData reads, without copying every field into memory of its own.
std::uint64_t stream_sequence(std::string_view reply);

// "the cluster is not reachable (...)" for a nats.c status and JetStream error code.
Status nats_failure(const std::string& doing, natsStatus s, jsErrCode code = static_cast<jsErrCode>(0));

}  // namespace chatcore::cluster
