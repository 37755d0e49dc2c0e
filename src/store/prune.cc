#include "store/prune.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/rows.h"
#include "store/sql.h"
#include "store/sqlite_store.h"

namespace chatcore::store {

namespace {
struct Cut {
  std::uint64_t epoch = 0;
  std::uint64_t to = 0;  // ids up to this one go
};

std::size_t cut_history(Connection& c, const std::vector<Cut>& cuts) {
  std::size_t removed = 0;
  for (const auto& cut : cuts) {
    {
      auto q = c.query(sql::kDeleteMessagesTo);
      q->bind(1, i64(cut.epoch));
      q->bind(2, i64(cut.to));
      removed += static_cast<std::size_t>(q->exec());
    }
    auto q = c.query(sql::kSetPruned);
    q->bind(1, i64(cut.to));
    q->bind(2, i64(cut.epoch));
    q->exec();
  }
  return removed;
}

// A room keeps ids pruned_id + 1 .. last_id with none missing, so its count needs no scan.
std::size_t keep_newest_messages(Connection& c, std::size_t keep) {
  std::vector<Cut> cuts;
  auto q = c.query(sql::kRoomsOver);
  q->bind(1, static_cast<std::int64_t>(keep));
  while (q->executeStep()) cuts.push_back({.epoch = u64(*q, 0), .to = u64(*q, 1) - keep});
  return cut_history(c, cuts);
}

// Up to the first message that is young enough: ids stay one run even if a clock stepped
// back, and only the rows that go are read.
std::size_t drop_old_messages(Connection& c, std::int64_t cutoff) {
  std::vector<Cut> cuts;
  {
    auto rooms = c.query(sql::kRoomsKept);
    while (rooms->executeStep()) cuts.push_back({.epoch = u64(*rooms, 0), .to = u64(*rooms, 1)});
  }
  for (auto& cut : cuts) {
    auto q = c.query(sql::kFirstMessageFrom);
    q->bind(1, i64(cut.epoch));
    q->bind(2, cutoff);
    if (q->executeStep()) cut.to = u64(*q, 0) - 1;
  }
  std::erase_if(cuts, [](const Cut& cut) { return cut.to == 0; });
  return cut_history(c, cuts);
}

std::size_t keep_newest_directs(Connection& c, std::size_t keep) {
  std::vector<std::pair<std::string, std::uint64_t>> cuts;
  {
    auto pairs = c.query(sql::kPairsOver);
    pairs->bind(1, static_cast<std::int64_t>(keep));
    while (pairs->executeStep()) cuts.emplace_back(pairs->getColumn(0).getString(), 0);
  }
  std::size_t removed = 0;
  for (auto& [pair, to] : cuts) {
    {
      auto q = c.query(sql::kPairCut);
      q->bind(1, pair);
      q->bind(2, static_cast<std::int64_t>(keep));
      if (!q->executeStep()) continue;
      to = u64(*q, 0);
    }
    auto q = c.query(sql::kDeletePairTo);
    q->bind(1, pair);
    q->bind(2, i64(to));
    removed += static_cast<std::size_t>(q->exec());
  }
  return removed;
}

std::size_t drop_old_directs(Connection& c, std::int64_t cutoff) {
  std::int64_t first_kept = INT64_MAX;
  {
    auto q = c.query(sql::kFirstDirectFrom);
    q->bind(1, cutoff);
    if (q->executeStep()) first_kept = q->getColumn(0).getInt64();
  }
  auto q = c.query(sql::kDeleteDirectsBefore);
  q->bind(1, first_kept);
  return static_cast<std::size_t>(q->exec());
}

std::vector<std::string> delete_returning(Connection& c, const char* sql, std::int64_t cutoff) {
  std::vector<std::string> out;
  auto q = c.query(sql);
  q->bind(1, cutoff);
  while (q->executeStep()) out.push_back(q->getColumn(0).getString());
  return out;
}

bool exists(Connection& c, const char* sql, auto key) {
  auto q = c.query(sql);
  q->bind(1, key);
  q->executeStep();
  return q->getColumn(0).getInt() != 0;
}

// Identities unseen since `cutoff` go with their memberships and download rights; a room
// they leave with no member goes with its history, a file nobody may download any more too.
void drop_unseen_identities(Connection& c, std::int64_t cutoff, Pruned& out) {
  {
    auto q = c.query(sql::kIdentitiesUnseen);
    q->bind(1, cutoff);
    while (q->executeStep()) out.identities.push_back(read_identity(*q));
  }
  std::set<std::pair<std::uint64_t, std::string>> rooms;
  std::set<std::string> files;
  for (const auto& identity : out.identities) {
    {
      auto q = c.query(sql::kRoomsOf);
      q->bind(1, i64(identity.id));
      while (q->executeStep()) rooms.emplace(u64(*q, 0), q->getColumn(1).getString());
    }
    {
      auto q = c.query(sql::kFilesOf);
      q->bind(1, i64(identity.id));
      while (q->executeStep()) files.insert(q->getColumn(0).getString());
    }
    auto q = c.query(sql::kDeleteIdentity);
    q->bind(1, i64(identity.id));
    q->exec();
  }
  for (const auto& [epoch, name] : rooms) {
    if (exists(c, sql::kRoomHasMember, i64(epoch))) continue;
    auto q = c.query(sql::kDeleteRoomEpoch);
    q->bind(1, i64(epoch));
    q->exec();
    out.rooms.push_back(name);
  }
  for (const auto& file : files) {
    if (exists(c, sql::kAllowedLeft, file)) continue;
    auto q = c.query(sql::kDeleteFile);
    q->bind(1, file);
    q->exec();
    out.files.push_back(file);
  }
}
}  // namespace

Pruned run_prune(Connection& c, const Retention& policy, std::int64_t now_ms) {
  Pruned out;
  if (policy.nick_ms > 0) drop_unseen_identities(c, now_ms - policy.nick_ms, out);
  if (policy.history_keep > 0) {
    out.messages += keep_newest_messages(c, policy.history_keep);
    out.directs += keep_newest_directs(c, policy.history_keep);
  }
  if (policy.history_ms > 0) {
    out.messages += drop_old_messages(c, now_ms - policy.history_ms);
    out.directs += drop_old_directs(c, now_ms - policy.history_ms);
  }
  if (policy.file_ms > 0) {
    for (auto& id : delete_returning(c, sql::kExpireFiles, now_ms - policy.file_ms)) {
      out.files.push_back(std::move(id));
    }
  }
  if (policy.upload_ms > 0) {
    out.uploads = delete_returning(c, sql::kExpireUploads, now_ms - policy.upload_ms);
  }
  return out;
}

void SqliteStore::prune(Retention policy, std::int64_t now_ms, Done<Pruned> done) {
  submit<Pruned>(true, std::move(done), [policy, now_ms](Connection& c) -> Result<Pruned> {
    return run_prune(c, policy, now_ms);
  });
}

}  // namespace chatcore::store
