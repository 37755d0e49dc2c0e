// The start-up sweep of the files dir: what a crash or an old run left there that nobody can
// use is deleted, the interrupted uploads the store kept are taken up again for resuming, and
// the storage quota starts from what is left.
#pragma once

#include <chatcore/status.h>

#include <vector>

#include "store/store.h"

namespace chatcore::transport {

struct ServiceContext;

// Creates the files dir and its partial/ dir, then removes every file the registry does not
// know (stored files' names only; nothing else in the dir is touched), every temporary upload
// file, and every partial upload that `uploads` does not name or that has expired (those
// leave the store too); logs one line with the counts and bytes removed. The quota then counts
// the live files and the kept partial uploads. Runs once the hub is seeded and the Waker exists.
Status sweep_storage(ServiceContext& ctx, const std::vector<store::StoredUpload>& uploads);

}  // namespace chatcore::transport
