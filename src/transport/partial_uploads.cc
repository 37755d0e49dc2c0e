#include "transport/partial_uploads.h"

#include <boost/asio/post.hpp>

#include <chrono>
#include <string>

#include "model/hub_state.h"
#include "util/log.h"

namespace chatcore::transport {

Status open_partial(util::FileWriter& file, util::Sha256& sha, const std::filesystem::path& path,
                    std::uint64_t offset) {
  if (auto opened = file.open_at(path, offset); !opened.ok()) return opened;
  if (offset == 0) return {};
  util::FileReader reader;
  if (!reader.open(path).ok()) {
    return Status(Code::data_loss, "the server no longer holds that part of the upload");
  }
  std::string block(1 << 20, '\0');
  for (std::uint64_t left = offset; left > 0;) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), left));
    auto n = reader.read_into(block.data(), want);
    if (!n.ok() || *n != want) {
      return Status(Code::data_loss, "the server no longer holds that part of the upload");
    }
    sha.update(std::string_view(block.data(), want));
    left -= want;
  }
  return {};
}

std::string resumable_owner(const ServiceContext& ctx, model::SessionId session) {
  return model::fold_case(ctx.hub.nickname(session));
}

void remove_partial(ServiceContext& ctx, const std::string& file_id) {
  boost::asio::post(ctx.io_pool, [path = ctx.partial_path(file_id)] { util::remove_quietly(path); });
}

void expire_resumable(ServiceContext& ctx) {
  for (const auto& id : ctx.resumable.expire(std::chrono::steady_clock::now())) {
    log::info("interrupted upload {} not continued for {} min; removed", id,
              ctx.config.resume_keep.count());
    remove_partial(ctx, id);
  }
}

}  // namespace chatcore::transport
