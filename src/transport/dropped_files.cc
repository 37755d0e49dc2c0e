#include "transport/dropped_files.h"

#include <boost/asio/post.hpp>

#include "transport/context.h"
#include "util/files.h"

namespace chatcore::transport {

void delete_dropped_files(ServiceContext& ctx) {
  auto dropped = ctx.hub.take_dropped_files();
  // Sessions end because the server stops, not because their users left: the registry's
  // files outlive a restart (start-up counts them against the quota again and deletes the
  // ones only guests could download, which the registry does not keep).
  if (ctx.calls.shutting_down()) return;
  for (const auto& file : dropped) {
    // Freed before the unlink: an open download keeps its data readable on POSIX anyway.
    ctx.storage.freed(file.size);
    boost::asio::post(ctx.io_pool, [path = ctx.file_path(file.id)] { util::remove_quietly(path); });
  }
}

}  // namespace chatcore::transport
