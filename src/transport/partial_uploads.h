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

// Who an upload_key belongs to: the session's identity, or a guest's folded nickname.
std::string resumable_owner(const ServiceContext& ctx, model::SessionId session);
// The owner of an upload stored for `identity`.
std::string identity_owner(std::uint64_t identity);

// Deletes a partial file on the pool.
void remove_partial(ServiceContext& ctx, const std::string& file_id);

// An interrupted upload the store kept, as ResumableUploads holds it.
ResumableUpload resumable_of(const store::StoredUpload& upload);
// Removes the store's record of the upload under `key` (a failure is logged).
void unstore_upload(ServiceContext& ctx, const std::string& key);
// Writes an identity's interrupted upload through the store, so it outlives a restart; a
// guest's stays in memory.
void save_resumable(ServiceContext& ctx, ResumableUpload& upload);
// Forgets the upload under `key`. Unless it became a stored file (`published`), its partial
// file is deleted and its kept bytes leave the quota.
void forget_resumable(ServiceContext& ctx, const std::string& key, bool published = false);

// Forgets the interrupted uploads past --resume-minutes and deletes their files.
void expire_resumable(ServiceContext& ctx);

}  // namespace chatcore::transport
