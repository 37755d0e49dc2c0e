#include "transport/resumable_uploads.h"

#include <doctest/doctest.h>

using chatcore::Code;
using chatcore::transport::ResumableUpload;
using chatcore::transport::ResumableUploads;
using namespace std::chrono_literals;

namespace {
ResumableUpload upload(std::string key, std::string owner, std::string file_id,
                       std::chrono::steady_clock::time_point updated = {}, bool running = false) {
  ResumableUpload u;
  u.key = std::move(key);
  u.owner = std::move(owner);
  u.file_id = std::move(file_id);
  u.updated = updated;
  u.running = running;
  return u;
}
}  // namespace

TEST_CASE("upload keys are 16 to 64 characters of [0-9a-z]") {
  CHECK(ResumableUploads::check_key("0123456789abcdef").ok());
  CHECK(ResumableUploads::check_key(std::string(64, 'z')).ok());
  CHECK(ResumableUploads::check_key("0123456789abcde").code == Code::invalid_argument);
  CHECK(ResumableUploads::check_key(std::string(65, 'a')).code == Code::invalid_argument);
  CHECK(ResumableUploads::check_key("0123456789ABCDEF").code == Code::invalid_argument);
  CHECK(ResumableUploads::check_key("0123456789abcde\x1b").code == Code::invalid_argument);
}

TEST_CASE("an upload is found only by the user who sent it") {
  ResumableUploads uploads(60min);
  uploads.put(upload("k", "alice", "f1"));
  CHECK(uploads.find("k", "alice") != nullptr);
  CHECK(uploads.find("k", "bob") == nullptr);
  CHECK(uploads.taken("k"));
  uploads.remove("k");
  CHECK_FALSE(uploads.taken("k"));
}

TEST_CASE("uploads not continued for the keep time expire, running ones never") {
  ResumableUploads uploads(60min);
  const auto now = std::chrono::steady_clock::now();
  uploads.put(upload("old", "a", "f-old", now - 61min));
  uploads.put(upload("new", "a", "f-new", now - 59min));
  uploads.put(upload("run", "a", "f-run", now - 90min, true));
  const auto gone = uploads.expire(now);
  REQUIRE(gone.size() == 1);
  CHECK(gone[0].file_id == "f-old");
  CHECK(uploads.size() == 2);
}
