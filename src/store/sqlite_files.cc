// SqliteStore's file registry and interrupted uploads.
#include <utility>

#include "store/rows.h"
#include "store/sql.h"
#include "store/sqlite_store.h"

namespace chatcore::store {

namespace {
bool file_exists(Connection& c, const std::string& id) {
  auto q = c.query(sql::kFileExists);
  q->bind(1, id);
  return q->executeStep();
}
Status no_file() { return Status(Code::not_found, "no such file"); }
}  // namespace

void SqliteStore::put_file(StoredFile file, Done<bool> done) {
  submit<bool>(true, std::move(done), [file = std::move(file)](Connection& c) -> Result<bool> {
    if (file_exists(c, file.id)) return Status(Code::already_exists, "the file id is in use");
    {
      auto q = c.query(sql::kInsertFile);
      q->bind(1, file.id);
      q->bind(2, file.name);
      q->bind(3, i64(file.size));
      q->bind(4, file.sha256);
      q->bind(5, file.sender);
      q->bind(6, i64(file.sender_identity));
      q->bind(7, file.room);
      q->bind(8, file.recipient);
      q->bind(9, file.sent_ms);
      q->bind(10, file.node);
      q->exec();
    }
    for (const auto identity : file.allowed) {
      auto q = c.query(sql::kAllow);
      q->bind(1, file.id);
      q->bind(2, i64(identity));
      q->exec();
    }
    return true;
  });
}

void SqliteStore::revoke_file(std::string file_id, std::uint64_t identity, Done<bool> done) {
  submit<bool>(true, std::move(done),
               [file_id = std::move(file_id), identity](Connection& c) -> Result<bool> {
                 if (!file_exists(c, file_id)) return no_file();
                 {
                   auto q = c.query(sql::kRevoke);
                   q->bind(1, file_id);
                   q->bind(2, i64(identity));
                   q->exec();
                 }
                 {
                   auto left = c.query(sql::kAllowedLeft);
                   left->bind(1, file_id);
                   left->executeStep();
                   if (left->getColumn(0).getInt() != 0) return false;
                 }
                 auto q = c.query(sql::kDeleteFile);
                 q->bind(1, file_id);
                 q->exec();
                 return true;
               });
}

void SqliteStore::remove_file(std::string file_id, Done<bool> done) {
  submit<bool>(true, std::move(done), [file_id = std::move(file_id)](Connection& c) -> Result<bool> {
    auto q = c.query(sql::kDeleteFile);
    q->bind(1, file_id);
    if (q->exec() == 0) return no_file();
    return true;
  });
}

void SqliteStore::put_upload(StoredUpload upload, Done<bool> done) {
  submit<bool>(true, std::move(done), [upload = std::move(upload)](Connection& c) -> Result<bool> {
    auto q = c.query(sql::kPutUpload);
    q->bind(1, upload.key);
    q->bind(2, i64(upload.identity));
    q->bind(3, upload.file_id);
    q->bind(4, upload.name);
    q->bind(5, i64(upload.size));
    q->bind(6, upload.sha256);
    q->bind(7, upload.room);
    q->bind(8, upload.recipient);
    q->bind(9, i64(upload.received));
    q->bind(10, upload.updated_ms);
    q->exec();
    return true;
  });
}

void SqliteStore::remove_upload(std::string key, Done<bool> done) {
  submit<bool>(true, std::move(done), [key = std::move(key)](Connection& c) -> Result<bool> {
    auto q = c.query(sql::kRemoveUpload);
    q->bind(1, key);
    if (q->exec() == 0) return Status(Code::not_found, "no such upload");
    return true;
  });
}

}  // namespace chatcore::store
