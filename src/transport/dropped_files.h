// Deletes the stored files the chat model dropped from its registry (nobody may download them
// any more), so neither the disk nor the storage quota keeps them.
#pragma once

namespace chatcore::transport {

struct ServiceContext;

// Frees each dropped file's bytes from the quota at once and removes it on the disk pool;
// while the server shuts down the files stay on disk.
void delete_dropped_files(ServiceContext& ctx);

}  // namespace chatcore::transport
