// ResumableUploads remembers the uploads that named an upload_key and were cut off, so that
// their sender can continue them from the bytes the server holds (UploadStatus, offset).
#pragma once

#include <chatcore/status.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chatcore::transport {

struct ResumableUpload {
  std::string key;
  std::string owner;    // resumable_owner() of the sender
  std::uint64_t identity = 0;  // the sender's identity; 0: a guest, whose upload is not stored
  std::string file_id;  // the partial file's name on disk
  std::string name;
  std::uint64_t size = 0;
  std::string sha256;
  std::string room;
  std::string recipient;
  std::uint64_t received = 0;  // bytes on disk and synced
  std::chrono::steady_clock::time_point updated;
  bool running = false;  // an Upload call holds it now
  bool stored = false;   // written through the store (an identity's, once it was cut off)
};

class ResumableUploads {
 public:
  explicit ResumableUploads(std::chrono::minutes keep) : keep_(keep) {}

  // INVALID_ARGUMENT unless `key` is 16 to 64 characters of [0-9a-z].
  static Status check_key(std::string_view key);

  // The upload under `key` if `owner` sent it; nullptr otherwise (someone else's key reads as
  // unknown, so keys cannot be probed).
  ResumableUpload* find(const std::string& key, const std::string& owner);
  bool taken(const std::string& key) const { return uploads_.contains(key); }
  // Whoever sent it.
  ResumableUpload* get(const std::string& key);
  ResumableUpload& put(ResumableUpload upload);
  void remove(const std::string& key);
  // Removes the uploads not running and not continued for the keep time and returns them, so
  // the caller deletes their partial files and records.
  std::vector<ResumableUpload> expire(std::chrono::steady_clock::time_point now);
  std::chrono::minutes keep() const { return keep_; }
  std::size_t size() const { return uploads_.size(); }

 private:
  std::chrono::minutes keep_;
  std::map<std::string, ResumableUpload> uploads_;  // by key
};

}  // namespace chatcore::transport
