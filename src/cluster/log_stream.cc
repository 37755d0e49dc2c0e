#include "cluster/log_stream.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <thread>

namespace chatcore::cluster {

namespace {
constexpr std::int64_t kNanosPerMs = 1'000'000;  // JetStream durations are nanoseconds
// Set-up calls are made while a node starts, off the loop: they may wait out a leader
// election (2 to 6 s, more on a loaded machine), which the publish timeout does not.
constexpr std::int64_t kSetupWaitMs = 15'000;
// A new cluster sometimes leaves a stream's creation unanswered although it has a metadata
// leader; asked again, it answers. Unanswered attempts are repeated until this much passed.
constexpr auto kSetupDeadline = std::chrono::seconds(45);
constexpr std::int64_t kAttemptWaitMs = 5'000;
constexpr auto kLeaderPoll = std::chrono::milliseconds(50);
}  // namespace

std::uint64_t stream_sequence(std::string_view reply) {
  constexpr std::string_view kPrefix = "$JS.ACK.";
  if (!reply.starts_with(kPrefix)) return 0;
  reply.remove_prefix(kPrefix.size());
  std::array<std::string_view, 12> tokens;
  std::size_t n = 0;
  for (;;) {
    if (n == tokens.size()) return 0;
    const auto dot = reply.find('.');
    tokens[n++] = reply.substr(0, dot);
    if (dot == std::string_view::npos) break;
    reply.remove_prefix(dot + 1);
  }
  // Seven tokens after the prefix in the first form, nine or more in the second.
  std::string_view seq;
  if (n == 7) {
    seq = tokens[3];
  } else if (n >= 9) {
    seq = tokens[5];
  } else {
    return 0;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(seq.data(), seq.data() + seq.size(), value);
  if (error != std::errc() || end != seq.data() + seq.size()) return 0;
  return value;
}

jsOptions setup_options() {
  jsOptions o;
  jsOptions_Init(&o);
  o.Wait = kSetupWaitMs;
  return o;
}

Status nats_failure(const std::string& doing, natsStatus s, jsErrCode code) {
  // A refusal by JetStream (an API error code) is about the request; anything else (timeout,
  // no responders, not connected) means the cluster did not answer.
  const char* why = nats_GetLastError(nullptr);
  const std::string detail = why != nullptr && *why != '\0' ? why : natsStatus_GetText(s);
  if (code != 0) {
    return Status(Code::failed_precondition,
                  fmt::format("JetStream refused to {}: {} (error {})", doing, detail,
                              static_cast<int>(code)));
  }
  return Status(Code::unavailable,
                fmt::format("the cluster is not reachable: could not {}: {}", doing, detail));
}

namespace {
Result<int> set_up_once(jsCtx* js, const LogStreamConfig& config, natsStatus& result) {
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = config.name.c_str();
  const char* subjects[] = {config.subjects.c_str()};
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Retention = js_LimitsPolicy;
  cfg.Discard = js_DiscardOld;
  cfg.Replicas = config.replicas;
  cfg.MaxAge = config.max_age_ms * kNanosPerMs;
  cfg.MaxBytes = config.max_bytes;
  cfg.Duplicates = config.duplicate_window_ms * kNanosPerMs;

  jsOptions wait = setup_options();
  wait.Wait = kAttemptWaitMs;
  jsStreamInfo* info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_AddStream(&info, js, &cfg, &wait, &code);
  if (s != NATS_OK && code == JSStreamNameExistErr) {
    // There with other limits: this node's configuration is the one wanted now, except that
    // it never takes replicas away. A node that sees fewer NATS servers than the stream has
    // replicas (given one URL, servers not announced, some down) would otherwise shrink the
    // log to the servers it knows, and every node would then depend on those alone.
    code = static_cast<jsErrCode>(0);
    s = js_GetStreamInfo(&info, js, config.name.c_str(), &wait, &code);
    if (s == NATS_OK && info->Config != nullptr && info->Config->Replicas > cfg.Replicas) {
      cfg.Replicas = info->Config->Replicas;
    }
    jsStreamInfo_Destroy(info);
    info = nullptr;
    if (s == NATS_OK) s = js_UpdateStream(&info, js, &cfg, &wait, &code);
  }
  jsStreamInfo_Destroy(info);
  result = s;
  if (s != NATS_OK) return nats_failure("set up the stream " + config.name, s, code);
  return static_cast<int>(cfg.Replicas);
}
}  // namespace

Result<int> ensure_log_stream(jsCtx* js, const LogStreamConfig& config) {
  // Creating (or updating to) the same configuration twice is harmless: a request that timed
  // out is sent again. Anything else (an answer, a refusal, no connection) ends it at once.
  const auto deadline = std::chrono::steady_clock::now() + kSetupDeadline;
  for (;;) {
    natsStatus result = NATS_OK;
    auto replicas = set_up_once(js, config, result);
    if (result != NATS_TIMEOUT || std::chrono::steady_clock::now() >= deadline) {
      return replicas;
    }
  }
}

Result<LogState> log_state(jsCtx* js, const std::string& stream) {
  // Read as the stream is set up: an unanswered request is sent again. A stream that was just
  // created may not have elected its leader yet, and a write then finds no responders: the
  // state is read again (nothing announces the election) until it names a leader.
  const auto deadline = std::chrono::steady_clock::now() + kSetupDeadline;
  for (;;) {
    jsOptions wait = setup_options();
    wait.Wait = kAttemptWaitMs;
    jsStreamInfo* info = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    const natsStatus s = js_GetStreamInfo(&info, js, stream.c_str(), &wait, &code);
    const bool late = std::chrono::steady_clock::now() >= deadline;
    if (s != NATS_OK) {
      if (s == NATS_TIMEOUT && !late) continue;
      return nats_failure("read the stream " + stream, s, code);
    }
    const bool led = info->Cluster == nullptr ||
                     (info->Cluster->Leader != nullptr && *info->Cluster->Leader != '\0');
    LogState state{info->State.FirstSeq, info->State.LastSeq, info->State.Msgs};
    jsStreamInfo_Destroy(info);
    if (led || late) return state;
    std::this_thread::sleep_for(kLeaderPoll);
  }
}

}  // namespace chatcore::cluster
