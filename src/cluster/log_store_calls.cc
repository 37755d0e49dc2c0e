// LogStore's Store calls: each shared write becomes its log command; uploads stay local.
#include <utility>

#include "cluster/log_apply.h"
#include "cluster/log_store.h"

namespace chatcore::cluster {

using namespace chatcore::store;

void LogStore::put_identity(StoredIdentity identity, Done<StoredIdentity> done) {
  submit(op::PutIdentity{std::move(identity)}, narrow(std::move(done)));
}
void LogStore::delete_identity(std::uint64_t id, Done<bool> done) {
  submit(op::DeleteIdentity{id}, narrow(std::move(done)));
}
void LogStore::create_room(std::string name, std::int64_t now_ms, Done<StoredRoom> done) {
  submit(op::CreateRoom{std::move(name), now_ms}, narrow(std::move(done)));
}
void LogStore::delete_room(std::string name, Done<bool> done) {
  submit(op::DeleteRoom{std::move(name)}, narrow(std::move(done)));
}
void LogStore::delete_room_epoch(std::string name, std::uint64_t epoch, Done<bool> done) {
  submit(op::DeleteRoom{std::move(name), epoch}, narrow(std::move(done)));
}
void LogStore::set_topic(std::string room, std::string topic, std::string by, std::int64_t now_ms,
                         Done<StoredRoom> done) {
  submit(op::SetTopic{std::move(room), std::move(topic), std::move(by), now_ms},
         narrow(std::move(done)));
}
void LogStore::add_member(StoredMember member, Done<bool> done) {
  submit(op::AddMember{std::move(member)}, narrow(std::move(done)));
}
void LogStore::remove_member(std::uint64_t identity, std::string room, Done<bool> done) {
  submit(op::RemoveMember{identity, std::move(room)}, narrow(std::move(done)));
}
void LogStore::append(StoredMessage message, Done<StoredMessage> done) {
  submit(op::Append{std::move(message)}, narrow(std::move(done)));
}
void LogStore::append_direct(StoredDirect message, Done<StoredDirect> done) {
  submit(op::AppendDirect{std::move(message)}, narrow(std::move(done)));
}
void LogStore::put_file(StoredFile file, Done<bool> done) {
  submit(op::PutFile{std::move(file)}, narrow(std::move(done)));
}
void LogStore::revoke_file(std::string file_id, std::uint64_t identity, Done<bool> done) {
  submit(op::RevokeFile{std::move(file_id), identity}, narrow(std::move(done)));
}
void LogStore::remove_file(std::string file_id, Done<bool> done) {
  submit(op::RemoveFile{std::move(file_id)}, narrow(std::move(done)));
}
void LogStore::prune(Retention policy, std::int64_t now_ms, Done<Pruned> done) {
  submit(op::Prune{policy, now_ms}, narrow(std::move(done)));
}
void LogStore::set_room_creator(std::string room, std::uint64_t identity, Done<bool> done) {
  submit(op::SetRoomCreator{std::move(room), identity}, narrow(std::move(done)));
}
void LogStore::put_sanction(StoredSanction sanction, Done<bool> done) {
  submit(op::PutSanction{std::move(sanction)}, narrow(std::move(done)));
}
void LogStore::remove_sanction(SanctionKind kind, std::uint64_t identity, std::string room,
                               Done<bool> done) {
  submit(op::RemoveSanction{kind, identity, std::move(room)}, narrow(std::move(done)));
}
void LogStore::set_motd(std::string motd, Done<bool> done) {
  submit(op::SetMotd{std::move(motd)}, narrow(std::move(done)));
}
void LogStore::set_topic_lock(std::string room, bool locked, std::string by, Done<bool> done) {
  submit(op::SetTopicLock{std::move(room), locked, std::move(by)}, narrow(std::move(done)));
}
// A node claims and releases for its own sessions only.
void LogStore::claim_guest(std::string nickname, std::string, std::uint64_t session,
                           Done<bool> done) {
  submit(op::ClaimGuest{{std::move(nickname), options_.node, session}}, narrow(std::move(done)));
}
void LogStore::release_guest(std::string nickname, std::string, std::uint64_t session,
                             Done<bool> done) {
  submit(op::ReleaseGuest{{std::move(nickname), options_.node, session}},
         narrow(std::move(done)));
}
void LogStore::release_node_guests(std::string node, Done<bool> done) {
  submit(op::ReleaseNodeGuests{std::move(node)}, narrow(std::move(done)));
}

// A partial upload is on this node's disk only: no other node could continue it.
void LogStore::put_upload(StoredUpload upload, Done<bool> done) {
  replica_->store().put_upload(std::move(upload), std::move(done));
}
void LogStore::remove_upload(std::string key, Done<bool> done) {
  replica_->store().remove_upload(std::move(key), std::move(done));
}

void LogStore::rooms(Done<std::vector<StoredRoom>> done) {
  read([this, done = std::move(done)]() mutable { replica_->store().rooms(std::move(done)); });
}
void LogStore::history(std::string room, std::uint64_t before_id, std::size_t limit,
                       Done<std::vector<StoredMessage>> done) {
  read([this, room = std::move(room), before_id, limit, done = std::move(done)]() mutable {
    replica_->store().history(std::move(room), before_id, limit, std::move(done));
  });
}
void LogStore::since(std::string room, std::uint64_t after_id, std::size_t limit,
                     Done<std::vector<StoredMessage>> done) {
  read([this, room = std::move(room), after_id, limit, done = std::move(done)]() mutable {
    replica_->store().since(std::move(room), after_id, limit, std::move(done));
  });
}
void LogStore::directs_since(std::uint64_t identity, std::uint64_t after_id, std::size_t limit,
                             Done<std::vector<StoredDirect>> done) {
  read([this, identity, after_id, limit, done = std::move(done)]() mutable {
    replica_->store().directs_since(identity, after_id, limit, std::move(done));
  });
}

}  // namespace chatcore::cluster
