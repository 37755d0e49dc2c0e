// ResumableClaim is one Upload call's hold on a resumable upload (an upload_key): it takes the
// key at the metadata (a resume or a fresh start), checkpoints progress while the call runs,
// and settles the key when the call ends: published, kept for resuming, or given up.
#pragma once

#include <chatcore/status.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "transport/context.h"

namespace chatcore::transport {

class ResumableClaim {
 public:
  // Takes `meta`'s upload_key for the session's upload. A resume (offset > 0) must match what
  // the server holds; it sets `file_id` and `received` to the held part. A fresh start (offset
  // 0) replaces what the key held and gets a new `file_id`. `who` names the uploader in logs.
  Status begin(ServiceContext& ctx, model::SessionId session, const v1::UploadMeta& meta,
               std::string_view who, std::string& file_id, std::uint64_t& received);
  bool claimed() const { return claimed_; }

  // Whether the write about to start should also sync and record its progress: an identity's
  // first write, then one a kCheckpointEvery.
  bool checkpoint_due();
  // `synced` bytes are on disk for good: recorded in the store (not in memory, where the
  // upload still runs), so a crash of the server resumes from there.
  void checkpoint(ServiceContext& ctx, std::uint64_t synced);

  // The upload became a stored file: the key is done.
  void published(ServiceContext& ctx);
  // The call ended without storing it. Cut off with `kept` bytes synced: kept for resuming
  // (and stored for an identity). A resume refused before it `opened` the part (and not for
  // DATA_LOSS): left as it was. Otherwise the key and its part go.
  void settle(ServiceContext& ctx, const std::uint64_t* kept, bool opened, Code error,
              std::string_view who);

 private:
  static constexpr auto kCheckpointEvery = std::chrono::seconds(1);

  std::string key_;
  std::string owner_;  // noted at the start: the session may be gone when the call ends
  model::IdentityId identity_ = 0;
  bool claimed_ = false;
  std::chrono::steady_clock::time_point last_checkpoint_{};
};

}  // namespace chatcore::transport
