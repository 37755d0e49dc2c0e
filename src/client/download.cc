// Client::download: the file description first, then the chunks into a temporary file beside
// the destination, renamed into place only when the size and the sha256 match. A resumable
// download keeps that file when it is cut off and continues from its end.
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
  std::uint64_t done = part.size();
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

// Whether a download that ended with `status` can go on later from what it holds: it was
// cut off, not refused and not given up.
bool resumable_after(const Status& status, bool user_cancelled) {
  if (user_cancelled) return false;
  switch (status.code) {
    case Code::unavailable:
    case Code::cancelled:
    case Code::deadline_exceeded:
    case Code::aborted:
    case Code::internal:
    case Code::unknown:
    case Code::resource_exhausted:
      return true;
    default:
      return false;
  }
}

// One Download call into `part`, from the bytes it holds on, checked and renamed onto dest.
Result<FileInfo> fetch_into(v1::Chat::Stub& stub, std::string token, const std::string& file_id,
                            const std::filesystem::path& dest, bool overwrite,
                            client::PartFile& part, const ProgressHandler& progress) {
  v1::DownloadRequest request;
  request.set_session(std::move(token));
  request.set_file_id(file_id);
  request.set_offset(part.size());

  grpc::ClientContext ctx;
  auto reader = stub.Download(&ctx, request);
  auto info = receive_info(ctx, *reader);
  if (!info.ok()) return info.status();
  auto done = receive_chunks(ctx, *reader, *info, part, progress);
  if (!done.ok()) return done.status();
  if (*done != info->size) {
    return Status(Code::data_loss, fmt::format("received {} of the {} bytes of {}", *done,
                                               info->size, info->name));
  }
  auto got = part.finish();
  if (!got.ok()) return got.status();
  if (*got != info->sha256) {
    return Status(Code::data_loss, fmt::format("sha256 of {} is {}, the server said {}",
                                               info->name, *got, info->sha256));
  }
  if (Status st = part.commit(dest, overwrite); !st.ok()) return st;
  return *info;
}

Status refuse_existing(const std::filesystem::path& dest, bool overwrite) {
  std::error_code ec;
  if (!overwrite && std::filesystem::exists(std::filesystem::symlink_status(dest, ec))) {
    return Status(Code::already_exists,
                  fmt::format("{} exists; pass overwrite to replace it", dest.string()));
  }
  return {};
}

}  // namespace

Result<FileInfo> Client::download(const std::string& file_id, const std::filesystem::path& dest,
                                  bool overwrite, ProgressHandler progress) {
  std::string token;
  if (Status st = impl_->token(&token); !st.ok()) return st;
  if (Status st = refuse_existing(dest, overwrite); !st.ok()) return st;
  auto part = client::PartFile::create(dest);
  if (!part.ok()) return part.status();
  return fetch_into(*impl_->servers->current()->stub, std::move(token), file_id, dest, overwrite, **part, progress);
}

Result<FileInfo> Client::download_resumable(const std::string& file_id,
                                            const std::filesystem::path& dest, bool overwrite,
                                            ProgressHandler progress) {
  std::string token;
  if (Status st = impl_->token(&token); !st.ok()) return st;
  if (Status st = refuse_existing(dest, overwrite); !st.ok()) return st;
  auto part = client::PartFile::resume(dest, file_id);
  if (!part.ok()) return part.status();
  bool user_cancelled = false;
  const ProgressHandler watched = [&](const Progress& p) {
    user_cancelled = progress && !progress(p);
    return !user_cancelled;
  };
  auto got =
      fetch_into(*impl_->servers->current()->stub, std::move(token), file_id, dest, overwrite, **part, watched);
  if (!got.ok() && (*part)->size() > 0 && resumable_after(got.status(), user_cancelled)) {
    (*part)->keep();
  }
  return got;
}

bool Client::discard_download(const std::string& file_id, const std::filesystem::path& dest) {
  std::error_code ec;
  return std::filesystem::remove(client::PartFile::resumable_path(dest, file_id), ec);
}

}  // namespace chatcore
