// The registry of interrupted uploads behind UploadStatus and UploadMeta.offset.
#include "transport/resumable_uploads.h"

namespace chatcore::transport {

Status ResumableUploads::check_key(std::string_view key) {
  bool ok = key.size() >= 16 && key.size() <= 64;
  for (char c : key) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
  if (ok) return {};
  return Status(Code::invalid_argument, "upload_key must be 16 to 64 characters of [0-9a-z]");
}

ResumableUpload* ResumableUploads::find(const std::string& key, const std::string& owner) {
  const auto it = uploads_.find(key);
  return it == uploads_.end() || it->second.owner != owner ? nullptr : &it->second;
}

ResumableUpload* ResumableUploads::get(const std::string& key) {
  const auto it = uploads_.find(key);
  return it == uploads_.end() ? nullptr : &it->second;
}

ResumableUpload& ResumableUploads::put(ResumableUpload upload) {
  std::string key = upload.key;
  return uploads_.insert_or_assign(std::move(key), std::move(upload)).first->second;
}

void ResumableUploads::remove(const std::string& key) { uploads_.erase(key); }

std::vector<ResumableUpload> ResumableUploads::expire(std::chrono::steady_clock::time_point now) {
  std::vector<ResumableUpload> gone;
  std::erase_if(uploads_, [&](const auto& entry) {
    const ResumableUpload& u = entry.second;
    if (u.running || now - u.updated < keep_) return false;
    gone.push_back(u);
    return true;
  });
  return gone;
}

}  // namespace chatcore::transport
