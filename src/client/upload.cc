// Client::upload: the file is hashed in a first pass, then streamed in the server's chunk
// size; the server checks the sha256 against what it stored, so a file arrives whole or not.
#include <chatcore/client.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <random>
#include <thread>

#include "client/client_impl.h"
#include "client/part_file.h"
#include "util/files.h"

namespace chatcore {
namespace {

constexpr std::size_t kHashBlock = 1 << 20;
constexpr std::size_t kDefaultChunk = 64 * 1024;

// "1.5 GiB (1610612736 bytes)": the exact count too, since a limit is usually set in bytes.
std::string human_size(std::uint64_t bytes) {
  if (bytes < 1024) return util::human_bytes(bytes);
  return fmt::format("{} ({} bytes)", util::human_bytes(bytes), bytes);
}

Status read_error(const std::filesystem::path& path, int err) {
  const Code code = err == ENOENT ? Code::not_found : Code::invalid_argument;
  return Status(code, fmt::format("cannot read {}: {}", path.string(), client::errno_text(err)));
}

struct Digest {
  std::uint64_t size = 0;
  std::string sha256;
};

// The first pass; leaves the reader at the start again for the second.
Result<Digest> hash_file(util::FileReader& file, const std::filesystem::path& path) {
  util::Sha256 sha;
  std::string block(kHashBlock, '\0');
  Digest digest;
  for (;;) {
    auto n = file.read_into(block.data(), block.size());
    if (!n.ok()) return read_error(path, file.error());
    if (*n == 0) break;
    sha.update(std::string_view(block.data(), *n));
    digest.size += *n;
  }
  if (!file.rewind().ok()) return read_error(path, file.error());
  digest.sha256 = sha.hex();
  return digest;
}

// The second pass: the chunks after the meta message, from byte `done` on. The stream's
// status says why it ended.
Status send_chunks(grpc::ClientContext& ctx, grpc::ClientWriterInterface<v1::UploadRequest>& writer,
                   util::FileReader& file, const std::filesystem::path& path, std::uint64_t done,
                   std::uint64_t size, std::size_t chunk_size, const ProgressHandler& progress) {
  v1::UploadRequest request;
  std::string* chunk = request.mutable_chunk();
  const auto stop = [&](Status why) {
    ctx.TryCancel();
    writer.Finish();
    return why;
  };
  if (!file.seek(done).ok()) return stop(read_error(path, file.error()));
  while (done < size) {
    chunk->resize(static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, size - done)));
    auto n = file.read_into(chunk->data(), chunk->size());
    if (!n.ok()) {
      return stop(Status(Code::aborted, fmt::format("cannot read {}: {}", path.string(),
                                                    client::errno_text(file.error()))));
    }
    if (*n != chunk->size()) {
      return stop(Status(Code::aborted,
                         fmt::format("{} shrank while it was being sent", path.string())));
    }
    // A false Write means the server ended the call; Finish says why.
    if (!writer.Write(request)) return transport::from_grpc(writer.Finish());
    done += *n;
    if (progress && !progress(Progress{done, size})) {
      return stop(Status(Code::cancelled, "upload cancelled"));
    }
  }
  writer.WritesDone();
  return transport::from_grpc(writer.Finish());
}

// A file opened and hashed, checked against the server's limits, ready to be sent.
struct Prepared {
  util::FileReader file;
  Digest digest;
};

Status prepare(Prepared& out, const std::filesystem::path& path, const Destination& to,
               const Limits& limits) {
  if (to.room.empty() == to.recipient.empty()) {
    return Status(Code::invalid_argument, "an upload goes to exactly one room or one user");
  }
  if (!out.file.open(path).ok()) return read_error(path, out.file.error());
  if (!out.file.regular()) {
    return Status(Code::invalid_argument, fmt::format("{} is not a regular file", path.string()));
  }
  auto digest = hash_file(out.file, path);
  if (!digest.ok()) return digest.status();
  if (digest->size > limits.max_file_size) {
    return Status(Code::invalid_argument,
                  fmt::format("file is {}; the server's limit is {}", human_size(digest->size),
                              human_size(limits.max_file_size)));
  }
  out.digest = *digest;
  return {};
}

// One Upload call: the metadata (continuing at `offset` under `key`, if given), then the rest.
Result<FileInfo> send_file(v1::Chat::Stub& stub, std::string token, Prepared& prepared,
                           const std::filesystem::path& path, const Destination& to,
                           const Limits& limits, const std::string& key, std::uint64_t offset,
                           const ProgressHandler& progress) {
  v1::UploadRequest meta_request;
  v1::UploadMeta* meta = meta_request.mutable_meta();
  meta->set_session(std::move(token));
  meta->set_name(path.filename().string());
  meta->set_size(prepared.digest.size);
  if (!to.room.empty()) {
    meta->set_room(to.room);
  } else {
    meta->set_recipient(to.recipient);
  }
  meta->set_sha256(prepared.digest.sha256);
  meta->set_upload_key(key);
  meta->set_offset(offset);

  // No deadline: a large file on a slow link may take long; cancelling is the progress
  // handler's job.
  grpc::ClientContext ctx;
  v1::UploadResponse response;
  auto writer = stub.Upload(&ctx, &response);
  const std::size_t chunk_size = limits.chunk_size > 0 ? limits.chunk_size : kDefaultChunk;
  const Status status =
      writer->Write(meta_request)
          ? send_chunks(ctx, *writer, prepared.file, path, offset, prepared.digest.size,
                        chunk_size, progress)
          : transport::from_grpc(writer->Finish());
  if (!status.ok()) return status;
  return transport::from_proto(response.file());
}

}  // namespace

Result<FileInfo> Client::upload(const std::filesystem::path& path, const Destination& to,
                                ProgressHandler progress) {
  return upload_resumable(path, to, {}, std::move(progress));
}

Result<FileInfo> Client::upload_resumable(const std::filesystem::path& path, const Destination& to,
                                          const std::string& key, ProgressHandler progress) {
  Impl& d = *impl_;
  std::string token;
  if (Status st = d.token(&token); !st.ok()) return st;
  const Limits limits = d.limits();
  Prepared prepared;
  if (Status st = prepare(prepared, path, to, limits); !st.ok()) return st;
  std::uint64_t offset = 0;
  if (!key.empty()) {
    auto held = upload_status(key);
    if (!held.ok()) return held.status();
    // What the server holds belongs to this file only if the sizes agree; the server checks
    // the rest (name, sha256, destination) and the hash over the whole file.
    if (held->total == prepared.digest.size) offset = held->done;
  }
  const auto endpoint = d.servers->current();
  bool user_cancelled = false;
  const ProgressHandler watched = [&](const Progress& p) {
    user_cancelled = progress && !progress(p);
    return !user_cancelled;
  };
  auto sent = send_file(*endpoint->stub, token, prepared, path, to, limits, key, offset, watched);
  if (!sent.ok() && !user_cancelled && offset > 0 &&
      (sent.status().code == Code::not_found || sent.status().code == Code::invalid_argument ||
       sent.status().code == Code::data_loss)) {
    // The held part expired or was of another file: start over.
    sent = send_file(*endpoint->stub, std::move(token), prepared, path, to, limits, key, 0, watched);
  }
  if (user_cancelled && !key.empty()) {
    // The server keeps a cut-off upload for a resume; one the user gave up must go.
    if (auto discarded = upload_discard(key); !discarded.ok()) {
      return Status(Code::cancelled, "upload cancelled; the server may keep its part until it "
                                     "expires: " + discarded.status().message);
    }
  }
  return sent;
}

Result<Progress> Client::upload_discard(const std::string& key) {
  // A call the client has just cancelled runs on the server until it sees the cancel: wait
  // for that, briefly.
  auto wait = std::chrono::milliseconds(20);
  const auto give_up = std::chrono::steady_clock::now() + client::kCallTimeout;
  for (;;) {
    auto held = impl_->call(
        &v1::Chat::Stub::UploadStatus,
        [&](v1::UploadStatusRequest& r) {
          r.set_upload_key(key);
          r.set_discard(true);
        },
        [](const v1::UploadStatusResponse& r) { return Progress{r.offset(), r.size()}; });
    if (held.ok() || held.status().code != Code::failed_precondition ||
        std::chrono::steady_clock::now() + wait > give_up) {
      return held;
    }
    std::this_thread::sleep_for(wait);
    wait = std::min(wait * 2, std::chrono::milliseconds(500));
  }
}

Result<Progress> Client::upload_status(const std::string& key) {
  return impl_->call(
      &v1::Chat::Stub::UploadStatus,
      [&](v1::UploadStatusRequest& r) { r.set_upload_key(key); },
      [](const v1::UploadStatusResponse& r) { return Progress{r.offset(), r.size()}; });
}

std::string Client::new_upload_key() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device random;
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::string key(32, '0');
  for (char& c : key) c = kAlphabet[pick(random)];
  return key;
}

}  // namespace chatcore
