#include "store/rows.h"

#include <fmt/format.h>

#include <algorithm>

namespace chatcore::store {

namespace {
std::string text(SQLite::Statement& q, int column) { return q.getColumn(column).getString(); }

// A kind this build does not know (a newer chatd's) reads as a normal message.
MessageKind kind(SQLite::Statement& q, int column) {
  return q.getColumn(column).getInt() == 1 ? MessageKind::action : MessageKind::normal;
}

std::string end_key(std::uint64_t identity, const std::string& nickname) {
  if (identity != 0) return fmt::format("i{}", identity);
  std::string folded = nickname;
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return "g" + folded;
}
}  // namespace

StoredRoom read_room(SQLite::Statement& q) {
  return StoredRoom{.name = text(q, 0),
                    .epoch = u64(q, 1),
                    .last_id = u64(q, 2),
                    .first_id = u64(q, 3),
                    .created_ms = q.getColumn(4).getInt64(),
                    .topic = text(q, 5),
                    .topic_by = text(q, 6),
                    .topic_ms = q.getColumn(7).getInt64()};
}

StoredMessage read_message(SQLite::Statement& q, const std::string& room, std::uint64_t epoch) {
  return StoredMessage{.room = room,
                       .epoch = epoch,
                       .id = u64(q, 0),
                       .from = text(q, 1),
                       .text = text(q, 2),
                       .sent_ms = q.getColumn(3).getInt64(),
                       .client_msg_id = u64(q, 4),
                       .kind = kind(q, 5)};
}

StoredDirect read_direct(SQLite::Statement& q) {
  return StoredDirect{.id = u64(q, 0),
                      .from_identity = u64(q, 1),
                      .from = text(q, 2),
                      .to_identity = u64(q, 3),
                      .to = text(q, 4),
                      .text = text(q, 5),
                      .sent_ms = q.getColumn(6).getInt64(),
                      .client_msg_id = u64(q, 7),
                      .kind = kind(q, 8)};
}

StoredIdentity read_identity(SQLite::Statement& q) {
  return StoredIdentity{.id = u64(q, 0),
                        .secret_hash = text(q, 1),
                        .nickname = text(q, 2),
                        .created_ms = q.getColumn(3).getInt64(),
                        .last_seen_ms = q.getColumn(4).getInt64()};
}

StoredFile read_file(SQLite::Statement& q) {
  return StoredFile{.id = text(q, 0),
                    .name = text(q, 1),
                    .size = u64(q, 2),
                    .sha256 = text(q, 3),
                    .sender = text(q, 4),
                    .sender_identity = u64(q, 5),
                    .room = text(q, 6),
                    .recipient = text(q, 7),
                    .sent_ms = q.getColumn(8).getInt64(),
                    .allowed = {}};
}

StoredUpload read_upload(SQLite::Statement& q) {
  return StoredUpload{.key = text(q, 0),
                      .identity = u64(q, 1),
                      .file_id = text(q, 2),
                      .name = text(q, 3),
                      .size = u64(q, 4),
                      .sha256 = text(q, 5),
                      .room = text(q, 6),
                      .recipient = text(q, 7),
                      .received = u64(q, 8),
                      .updated_ms = q.getColumn(9).getInt64()};
}

std::string direct_pair(const StoredDirect& m) {
  auto a = end_key(m.from_identity, m.from);
  auto b = end_key(m.to_identity, m.to);
  if (b < a) std::swap(a, b);
  // '\n' cannot be in a nickname, so the two ends never blur into one another.
  return a + "\n" + b;
}

}  // namespace chatcore::store
