// The file registry: upload checks, publication with its FileNotice, and who may download.
#include "model/hub.h"
#include "model/hub_state.h"
#include "util/escape.h"
#include "util/files.h"
#include "util/hex.h"
#include "model/text.h"
#include "util/log.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <set>
#include <utility>

namespace chatcore::model {
namespace {

constexpr std::size_t kFileIdBytes = 16;

std::string too_large(std::uint64_t size, std::uint64_t limit) {
  auto shown = util::human_bytes(size);
  auto shown_limit = util::human_bytes(limit);
  // "1.0 GiB; the limit is 1.0 GiB" would read as a bug, so fall back to exact counts.
  if (shown == shown_limit) {
    shown = fmt::format("{} bytes", size);
    shown_limit = fmt::format("{} bytes", limit);
  }
  return fmt::format("file is {}; the limit is {}", shown, shown_limit);
}

}  // namespace

void ChatHub::State::forget_files(const Session& s) {
  for (const auto& file_id : s.files) {
    auto it = files.find(file_id);
    if (it == files.end()) continue;
    it->second.allowed.erase(s.id);
    // Nobody can ever fetch it again: no session holds a right and no identity does.
    if (it->second.allowed.empty() && it->second.identities.empty()) drop_file(it);
  }
}

void ChatHub::State::drop_file(std::unordered_map<std::string, FileRecord>::iterator it) {
  const auto sender = files_by_sender.find(fold_case(it->second.info.sender));
  if (sender != files_by_sender.end() && --sender->second == 0) files_by_sender.erase(sender);
  if (it->second.stored && store != nullptr) {
    store->remove_file(it->first, logged<bool>("removing file " + it->first));
  }
  dropped_files.push_back(std::move(it->second.info));
  files.erase(it);
}

bool ChatHub::State::may_download(const Session& s, const FileRecord& record) const {
  return record.allowed.contains(s.id) ||
         (s.identity != 0 && record.identities.contains(s.identity));
}

void ChatHub::State::seed_files(const std::vector<store::StoredFile>& stored) {
  for (const auto& f : stored) {
    auto& record = files[f.id];
    record.info = FileInfo{.id = f.id,
                           .name = f.name,
                           .size = f.size,
                           .sender = f.sender,
                           .sha256 = f.sha256,
                           .room = f.room,
                           .recipient = f.recipient,
                           .sent_unix_ms = f.sent_ms};
    record.identities.insert(f.allowed.begin(), f.allowed.end());
    record.stored = true;
    record.node = f.node;
    record.order = next_file_order++;
    ++files_by_sender[fold_case(f.sender)];
  }
}

void ChatHub::drop_missing_files(const std::function<bool(const std::string&)>& on_disk) {
  auto& files = state_->files;
  for (auto it = files.begin(); it != files.end();) {
    auto next = std::next(it);
    if (!on_disk(it->first)) {
      log::warn("file {} ('{}' from {}) is missing on disk; dropping its record", it->first,
                util::escape(it->second.info.name), util::escape(it->second.info.sender));
      state_->drop_file(it);
    }
    it = next;
  }
  // Nothing to delete from disk: these files are gone already.
  state_->dropped_files.clear();
}

void ChatHub::State::move_files(Session& from, Session& to) {
  for (const auto& file_id : from.files) {
    auto it = files.find(file_id);
    if (it == files.end() || !it->second.allowed.erase(from.id)) continue;
    it->second.allowed.insert(to.id);
    to.files.push_back(file_id);
  }
  from.files.clear();
}

Status ChatHub::State::check_file_cap(const Session& s) const {
  const auto cap = config.max_files_per_user;
  if (cap == 0) return {};
  const auto it = files_by_sender.find(fold_case(s.nickname));
  if (it == files_by_sender.end() || it->second < cap) return {};
  return Status{Code::resource_exhausted,
                fmt::format("you have {} files stored, the limit; they are freed once "
                            "everyone they went to has disconnected",
                            it->second)};
}

Result<UploadTarget> ChatHub::check_upload(SessionId id, std::string_view name,
                                           std::uint64_t size, std::string_view room,
                                           std::string_view recipient) const {
  const auto* sender = state_->session(id);
  if (sender == nullptr) return unknown_session();
  if (auto cap = state_->check_file_cap(*sender); !cap.ok()) return cap;
  if (room.empty() == recipient.empty()) {
    return Status{Code::invalid_argument, "a file goes to exactly one room or one user"};
  }
  if (size == 0) return Status{Code::invalid_argument, "empty files are not accepted"};
  const auto limit = state_->config.limits.max_file_size;
  if (size > limit) return Status{Code::invalid_argument, too_large(size, limit)};

  UploadTarget target;
  if (!room.empty()) {
    const auto* r = state_->room(room);
    if (r == nullptr) return Status{Code::not_found, fmt::format("no room named '{}'", util::escape(room))};
    if (!r->online.contains(id)) {
      return Status{Code::failed_precondition, fmt::format("you are not in room '{}'", r->name)};
    }
    target.room = r->name;
  } else {
    const auto* to = state_->session_named(recipient);
    if (to == nullptr) {
      return Status{Code::not_found, fmt::format("no user named '{}' is online", util::escape(recipient))};
    }
    target.recipient = to->nickname;
    target.recipient_id = to->id;
  }
  auto safe = safe_file_name(name);
  if (!safe.ok()) return safe.status();
  target.safe_name = std::move(*safe);
  return target;
}

std::string ChatHub::new_file_id() {
  auto id = util::random_hex(kFileIdBytes);
  while (id && state_->files.contains(*id)) id = util::random_hex(kFileIdBytes);
  if (!id) {
    // A guessable id would hand files to strangers; there is no safe way to go on.
    log::error("the random number generator failed; cannot create a file id");
    std::abort();
  }
  return *id;
}

void ChatHub::publish_file(SessionId id, const UploadTarget& target, std::string_view file_id,
                           std::uint64_t size, std::string_view sha256, Reply<FileInfo> done) {
  auto* s = state_->session(id);
  if (s == nullptr) return done(unknown_session());
  if (target.room.empty() == target.recipient.empty()) {
    return done(Status{Code::invalid_argument, "a file goes to exactly one room or one user"});
  }
  if (file_id.empty() || state_->files.contains(std::string(file_id))) {
    return done(Status{Code::invalid_argument, "the file id is empty or already in use"});
  }
  // Checked again: other uploads of the same user may have been published meanwhile.
  if (auto cap = state_->check_file_cap(*s); !cap.ok()) return done(cap);

  FileInfo info{.id = std::string(file_id),
                .name = target.safe_name,
                .size = size,
                .sender = s->nickname,
                .sha256 = std::string(sha256),
                .room = {},
                .recipient = {},
                .sent_unix_ms = now_unix_ms()};
  std::vector<SessionId> audience;
  // Members with an identity get a stored right (offline members of the room too); guests'
  // rights follow their session.
  std::set<IdentityId> identities;
  if (!target.room.empty()) {
    const auto* r = state_->room(target.room);
    if (r == nullptr) {
      return done(Status{Code::failed_precondition,
                         fmt::format("room '{}' no longer exists", target.room)});
    }
    if (!r->online.contains(id)) {
      return done(Status{Code::failed_precondition,
                         fmt::format("you are no longer in room '{}'", r->name)});
    }
    info.room = r->name;
    audience.assign(r->online.begin(), r->online.end());
    identities.insert(r->identities.begin(), r->identities.end());
  } else {
    auto* to = state_->session(target.recipient_id);
    if (to == nullptr) {
      return done(Status{Code::failed_precondition,
                         fmt::format("'{}' is no longer online", target.recipient)});
    }
    info.recipient = to->nickname;
    audience.push_back(to->id);
    if (to->id != id) audience.push_back(id);
  }
  for (SessionId member : audience) {
    if (const auto identity = state_->sessions.at(member).identity; identity != 0) {
      identities.insert(identity);
    }
  }
  // Counted from now: a second upload of the same user meets the cap while this one commits.
  const auto sender_key = fold_case(info.sender);
  ++state_->files_by_sender[sender_key];
  if (state_->store == nullptr || identities.empty()) {
    state_->add_file(info, audience, std::move(identities), false);
    return done(std::move(info));
  }
  // The answer and the notice wait for the commit: an acknowledged file is listed after any
  // crash.
  store::StoredFile stored{.id = info.id,
                           .name = info.name,
                           .size = info.size,
                           .sha256 = info.sha256,
                           .sender = info.sender,
                           .sender_identity = s->identity,
                           .room = info.room,
                           .recipient = info.recipient,
                           .sent_ms = info.sent_unix_ms,
                           .allowed = {identities.begin(), identities.end()}};
  state_->store->put_file(
      std::move(stored), [this, info = std::move(info), audience = std::move(audience),
                          identities = std::move(identities), sender_key,
                          done = std::move(done)](Result<bool> committed) mutable {
        State& st = *state_;
        if (!committed.ok()) {
          if (auto it = st.files_by_sender.find(sender_key);
              it != st.files_by_sender.end() && --it->second == 0) {
            st.files_by_sender.erase(it);
          }
          return done(committed.status());
        }
        st.add_file(info, audience, std::move(identities), true);
        done(std::move(info));
      });
}

Result<FileInfo> ChatHub::publish_file(SessionId id, const UploadTarget& target,
                                       std::string_view file_id, std::uint64_t size,
                                       std::string_view sha256) {
  Result<FileInfo> out = Status{Code::internal, "the store answers later"};
  publish_file(id, target, file_id, size, sha256, [&out](Result<FileInfo> r) { out = std::move(r); });
  return out;
}

void ChatHub::State::add_file(const FileInfo& info, const std::vector<SessionId>& audience,
                              std::set<IdentityId> rights, bool is_stored) {
  auto& record = files[info.id];
  record.info = info;
  record.order = next_file_order++;
  record.identities = std::move(rights);
  record.stored = is_stored;
  // Sessions that ended while the record was committing get no notice and no guest right.
  for (SessionId member : audience) {
    auto* session = this->session(member);
    if (session == nullptr || session->identity != 0) continue;
    record.allowed.insert(member);
    session->files.push_back(info.id);
  }
  deliver(audience, make_event(FileNotice{.file = info}));
}

bool ChatHub::has_file(std::string_view file_id) const {
  return state_->files.contains(std::string(file_id));
}

std::string ChatHub::file_node(std::string_view file_id) const {
  const auto it = state_->files.find(std::string(file_id));
  return it == state_->files.end() ? std::string() : it->second.node;
}

const FileInfo* ChatHub::file_info(std::string_view file_id) const {
  const auto it = state_->files.find(std::string(file_id));
  return it == state_->files.end() ? nullptr : &it->second.info;
}

Result<FileInfo> ChatHub::authorize_download(SessionId id, std::string_view file_id) const {
  const auto* s = state_->session(id);
  if (s == nullptr) return unknown_session();
  auto it = state_->files.find(std::string(file_id));
  if (it == state_->files.end()) {
    return Status{Code::not_found, fmt::format("no file with id '{}'", util::escape(file_id))};
  }
  if (!state_->may_download(*s, it->second)) {
    return Status{Code::permission_denied,
                  fmt::format("file '{}' was not sent to you", util::escape(file_id))};
  }
  return it->second.info;
}

std::vector<FileInfo> ChatHub::list_files(SessionId id) const {
  std::vector<FileInfo> out;
  const auto* s = state_->session(id);
  if (s == nullptr) return out;
  std::vector<const FileRecord*> mine;
  for (const auto& [file_id, record] : state_->files) {
    if (state_->may_download(*s, record)) mine.push_back(&record);
  }
  std::sort(mine.begin(), mine.end(),
            [](const FileRecord* a, const FileRecord* b) { return a->order > b->order; });
  for (const auto* record : mine) out.push_back(record->info);
  return out;
}

std::vector<FileInfo> ChatHub::take_dropped_files() {
  return std::exchange(state_->dropped_files, {});
}

}  // namespace chatcore::model
