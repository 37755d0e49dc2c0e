#include "cluster/log_to_hub.h"

#include <type_traits>

namespace chatcore::cluster {

namespace {
// The outcome as the write's result type; the write names which one it is.
template <class T>
const T& result(const LogChange& change) {
  return std::get<T>(*change.outcome);
}
}  // namespace

void hand_to_hub(const LogChange& change, model::ChatHub& hub) {
  if (!change.outcome.ok()) return;
  std::visit(
      [&](const auto& w) {
        using W = std::decay_t<decltype(w)>;
        if constexpr (std::is_same_v<W, op::PutIdentity>) {
          hub.remote_identity(result<store::StoredIdentity>(change));
        } else if constexpr (std::is_same_v<W, op::DeleteIdentity>) {
          hub.remote_identity_deleted(w.id);
        } else if constexpr (std::is_same_v<W, op::CreateRoom>) {
          hub.remote_room_created(result<store::StoredRoom>(change));
        } else if constexpr (std::is_same_v<W, op::DeleteRoom>) {
          hub.remote_room_deleted(w.name, w.epoch);
        } else if constexpr (std::is_same_v<W, op::SetTopic>) {
          hub.remote_topic(result<store::StoredRoom>(change));
        } else if constexpr (std::is_same_v<W, op::AddMember>) {
          // false: a member already, so nobody joined.
          if (result<bool>(change)) hub.remote_member(w.member, true);
        } else if constexpr (std::is_same_v<W, op::RemoveMember>) {
          hub.remote_member({.identity = w.identity, .room = w.room}, false);
        } else if constexpr (std::is_same_v<W, op::Append>) {
          hub.remote_message(result<store::StoredMessage>(change));
        } else if constexpr (std::is_same_v<W, op::AppendDirect>) {
          hub.remote_direct(result<store::StoredDirect>(change));
        } else if constexpr (std::is_same_v<W, op::PutFile>) {
          hub.remote_file(w.file);
        } else if constexpr (std::is_same_v<W, op::RevokeFile>) {
          // true: that was the last right to it, so the file itself went.
          if (result<bool>(change)) hub.remote_file_removed(w.file_id);
        } else if constexpr (std::is_same_v<W, op::RemoveFile>) {
          hub.remote_file_removed(w.file_id);
        } else if constexpr (std::is_same_v<W, op::SetRoomCreator>) {
          hub.remote_creator(w.room, w.identity);
        } else if constexpr (std::is_same_v<W, op::PutSanction>) {
          hub.remote_sanction(w.sanction, false);
        } else if constexpr (std::is_same_v<W, op::RemoveSanction>) {
          if (result<bool>(change)) {
            hub.remote_sanction({.kind = w.kind, .identity = w.identity, .room = w.room}, true);
          }
        } else if constexpr (std::is_same_v<W, op::SetMotd>) {
          hub.remote_motd(w.motd);
        } else if constexpr (std::is_same_v<W, op::SetTopicLock>) {
          hub.remote_topic_lock(w.room, w.locked, w.by);
        } else if constexpr (std::is_same_v<W, op::ClaimGuest> ||
                             std::is_same_v<W, op::ReleaseGuest> ||
                             std::is_same_v<W, op::ReleaseNodeGuests>) {
          // Guests' presence comes from the presence plane; the claims only decide names.
        } else {
          static_assert(std::is_same_v<W, op::Prune>);
          const auto& pruned = result<store::Pruned>(change);
          for (const auto& file : pruned.files) hub.remote_file_removed(file);
          for (const auto& room : pruned.rooms) hub.remote_room_deleted(room);
          for (const auto& identity : pruned.identities) hub.remote_identity_deleted(identity.id);
        }
      },
      change.write);
}

}  // namespace chatcore::cluster
