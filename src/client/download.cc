// Client::download: the file description first, then the chunks into a temporary file beside
// the destination, renamed into place only when the size and the sha256 match.
#include <chatcore/client.h>

#include <fmt/format.h>

#include <system_error>

#include "client/client_impl.h"
#include "client/part_file.h"

namespace chatcore {
namespace {

using Reader = grpc::ClientReaderInterface<v1::DownloadResponse>;

// Ends the call early; Finish would otherwise wait for the whole stream.
Status stop(grpc::ClientContext& ctx, Reader& reader, Status why) {
  ctx.TryCancel();
  reader.Finish();
  return why;
}

Result<FileInfo> receive_info(grpc::ClientContext& ctx, Reader& reader) {
  v1::DownloadResponse message;
  if (!reader.Read(&message)) {
    Status status = transport::from_grpc(reader.Finish());
    if (status.ok()) status = Status(Code::data_loss, "the server sent no file description");
    return status;
  }
  if (!message.has_info()) {
    return stop(ctx, reader,
                Status(Code::internal, "the server sent data before the file description"));
  }
  return transport::from_proto(message.info());
}

// Every chunk into `part`, then the end of the stream; the byte count received.
Result<std::uint64_t> receive_chunks(grpc::ClientContext& ctx, Reader& reader,
                                     const FileInfo& info, client::PartFile& part,
                                     const ProgressHandler& progress) {
  v1::DownloadResponse message;
  std::uint64_t done = 0;
  while (reader.Read(&message)) {
    if (!message.has_chunk()) {
      return stop(ctx, reader, Status(Code::internal, "the server sent a second file description"));
    }
    const std::string& chunk = message.chunk();
    done += chunk.size();
    if (done > info.size) {
      return stop(ctx, reader,
                  Status(Code::data_loss, fmt::format("the server sent more than the {} bytes of {}",
                                                      info.size, info.name)));
    }
    if (Status st = part.write(chunk); !st.ok()) return stop(ctx, reader, st);
    if (progress && !progress(Progress{done, info.size})) {
      return stop(ctx, reader, Status(Code::cancelled, "download cancelled"));
    }
  }
  if (Status status = transport::from_grpc(reader.Finish()); !status.ok()) return status;
  return done;
}

}  // namespace

Result<FileInfo> Client::download(const std::string& file_id, const std::filesystem::path& dest,
                                  bool overwrite, ProgressHandler progress) {
  Impl& d = *impl_;
  v1::DownloadRequest request;
  if (Status st = d.token(request.mutable_session()); !st.ok()) return st;
  request.set_file_id(file_id);

  std::error_code ec;
  if (!overwrite && std::filesystem::exists(std::filesystem::symlink_status(dest, ec))) {
    return Status(Code::already_exists,
                  fmt::format("{} exists; pass overwrite to replace it", dest.string()));
  }
  auto part = client::PartFile::create(dest);
  if (!part.ok()) return part.status();

  const auto endpoint = d.servers->current();
  grpc::ClientContext ctx;
  auto reader = endpoint->stub->Download(&ctx, request);
  auto info = receive_info(ctx, *reader);
  if (!info.ok()) return info.status();
  auto done = receive_chunks(ctx, *reader, *info, **part, progress);
  if (!done.ok()) return done.status();
  if (*done != info->size) {
    return Status(Code::data_loss, fmt::format("received {} of the {} bytes of {}", *done,
                                               info->size, info->name));
  }
  auto got = (*part)->finish();
  if (!got.ok()) return got.status();
  if (*got != info->sha256) {
    return Status(Code::data_loss, fmt::format("sha256 of {} is {}, the server said {}",
                                               info->name, *got, info->sha256));
  }
  if (Status st = (*part)->commit(dest, overwrite); !st.ok()) return st;
  return *info;
}

}  // namespace chatcore
