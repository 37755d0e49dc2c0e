// The disk and registry side of resumable uploads, for UploadCall and UploadStatus: partial
// files under files/partial, continued where they stopped, and dropped when they expire.
#pragma once

#include <chatcore/status.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "transport/context.h"
#include "util/files.h"

namespace chatcore::transport {

// Opens the partial file at `path` to continue at `offset` (creating it at 0), after feeding
// its first `offset` bytes to `sha` so the hash still covers the whole file. On the pool.
Status open_partial(util::FileWriter& file, util::Sha256& sha, const std::filesystem::path& path,
                    std::uint64_t offset);

// Who an upload_key belongs to: the session's user (folded nickname).
std::string resumable_owner(const ServiceContext& ctx, model::SessionId session);

// Deletes a partial file on the pool.
void remove_partial(ServiceContext& ctx, const std::string& file_id);

// Forgets the interrupted uploads past --resume-minutes and deletes their files.
void expire_resumable(ServiceContext& ctx);

}  // namespace chatcore::transport
