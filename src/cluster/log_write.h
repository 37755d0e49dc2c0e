// One shared Store write as a value: what a node puts on the replicated command log and what
// every replica applies. Plain C++ (no protobuf), so the hub can read a remote change.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "store/store.h"

namespace chatcore::cluster {

// One struct per Store write that the log carries, holding exactly its arguments. Uploads
// (put_upload, remove_upload) are not here: a partial file lives on one node's disk.
namespace op {
using namespace chatcore::store;
struct PutIdentity { StoredIdentity identity; bool operator==(const PutIdentity&) const = default; };
struct DeleteIdentity { std::uint64_t id = 0; bool operator==(const DeleteIdentity&) const = default; };
struct CreateRoom {
  std::string name;
  std::int64_t now_ms = 0;
  bool operator==(const CreateRoom&) const = default;
};
struct DeleteRoom {
  std::string name;
  std::uint64_t epoch = 0;  // 0: by name; else delete_room_epoch
  bool operator==(const DeleteRoom&) const = default;
};
struct SetTopic {
  std::string room, topic, by;
  std::int64_t now_ms = 0;
  bool operator==(const SetTopic&) const = default;
};
struct AddMember { StoredMember member; bool operator==(const AddMember&) const = default; };
struct RemoveMember {
  std::uint64_t identity = 0;
  std::string room;
  bool operator==(const RemoveMember&) const = default;
};
struct Append { StoredMessage message; bool operator==(const Append&) const = default; };
struct AppendDirect { StoredDirect message; bool operator==(const AppendDirect&) const = default; };
struct PutFile { StoredFile file; bool operator==(const PutFile&) const = default; };
struct RevokeFile {
  std::string file_id;
  std::uint64_t identity = 0;
  bool operator==(const RevokeFile&) const = default;
};
struct RemoveFile { std::string file_id; bool operator==(const RemoveFile&) const = default; };
struct SetRoomCreator {
  std::string room;
  std::uint64_t identity = 0;
  bool operator==(const SetRoomCreator&) const = default;
};
struct PutSanction { StoredSanction sanction; bool operator==(const PutSanction&) const = default; };
struct RemoveSanction {
  SanctionKind kind = SanctionKind::ban;
  std::uint64_t identity = 0;
  std::string room;
  bool operator==(const RemoveSanction&) const = default;
};
struct SetMotd { std::string motd; bool operator==(const SetMotd&) const = default; };
struct SetTopicLock {
  std::string room;
  bool locked = false;
  std::string by;
  bool operator==(const SetTopicLock&) const = default;
};
struct GuestClaim {
  std::string nickname, node;
  std::uint64_t session = 0;
  bool operator==(const GuestClaim&) const = default;
};
struct ClaimGuest { GuestClaim claim; bool operator==(const ClaimGuest&) const = default; };
struct ReleaseGuest { GuestClaim claim; bool operator==(const ReleaseGuest&) const = default; };
struct ReleaseNodeGuests { std::string node; bool operator==(const ReleaseNodeGuests&) const = default; };
struct Prune {
  Retention policy;
  std::int64_t now_ms = 0;
  bool operator==(const Prune&) const = default;
};
}  // namespace op

using Write = std::variant<op::PutIdentity, op::DeleteIdentity, op::CreateRoom, op::DeleteRoom,
                           op::SetTopic, op::AddMember, op::RemoveMember, op::Append,
                           op::AppendDirect, op::PutFile, op::RevokeFile, op::RemoveFile,
                           op::SetRoomCreator, op::PutSanction, op::RemoveSanction, op::SetMotd,
                           op::Prune, op::SetTopicLock, op::ClaimGuest, op::ReleaseGuest,
                           op::ReleaseNodeGuests>;

// What applying a write gave: the value its Store call completes with.
using Outcome = std::variant<bool, store::StoredIdentity, store::StoredRoom, store::StoredMessage,
                             store::StoredDirect, store::Pruned>;

// A command another node submitted, once applied to this replica: for the hub to update its
// memory and deliver to its local sessions.
struct LogChange {
  std::string node;
  std::uint64_t seq = 0;  // its position in the log
  Write write;
  Result<Outcome> outcome{Outcome{false}};
};

}  // namespace chatcore::cluster
