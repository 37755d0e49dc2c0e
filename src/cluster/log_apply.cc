#include "cluster/log_apply.h"

#include <type_traits>
#include <utility>

namespace chatcore::cluster {

namespace {
template <class T>
store::Done<T> widen(Applied done) {
  return [done = std::move(done)](Result<T> r) {
    if (!r.ok()) return done(r.status());
    done(Outcome(std::move(*r)));
  };
}
}  // namespace

void apply_write(Write write, store::Store& s, Applied done) {
  std::visit(
      [&s, &done](auto&& w) {
        using W = std::decay_t<decltype(w)>;
        if constexpr (std::is_same_v<W, op::PutIdentity>) {
          s.put_identity(std::move(w.identity), widen<store::StoredIdentity>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::DeleteIdentity>) {
          s.delete_identity(w.id, widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::CreateRoom>) {
          s.create_room(std::move(w.name), w.now_ms, widen<store::StoredRoom>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::DeleteRoom>) {
          if (w.epoch == 0) {
            s.delete_room(std::move(w.name), widen<bool>(std::move(done)));
          } else {
            s.delete_room_epoch(std::move(w.name), w.epoch, widen<bool>(std::move(done)));
          }
        } else if constexpr (std::is_same_v<W, op::SetTopic>) {
          s.set_topic(std::move(w.room), std::move(w.topic), std::move(w.by), w.now_ms,
                      widen<store::StoredRoom>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::AddMember>) {
          s.add_member(std::move(w.member), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::RemoveMember>) {
          s.remove_member(w.identity, std::move(w.room), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::Append>) {
          s.append(std::move(w.message), widen<store::StoredMessage>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::AppendDirect>) {
          s.append_direct(std::move(w.message), widen<store::StoredDirect>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::PutFile>) {
          s.put_file(std::move(w.file), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::RevokeFile>) {
          s.revoke_file(std::move(w.file_id), w.identity, widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::RemoveFile>) {
          s.remove_file(std::move(w.file_id), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::SetRoomCreator>) {
          s.set_room_creator(std::move(w.room), w.identity, widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::PutSanction>) {
          s.put_sanction(std::move(w.sanction), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::RemoveSanction>) {
          s.remove_sanction(w.kind, w.identity, std::move(w.room), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::SetMotd>) {
          s.set_motd(std::move(w.motd), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::SetTopicLock>) {
          s.set_topic_lock(std::move(w.room), w.locked, std::move(w.by), widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::ClaimGuest>) {
          s.claim_guest(std::move(w.claim.nickname), std::move(w.claim.node), w.claim.session,
                        widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::ReleaseGuest>) {
          s.release_guest(std::move(w.claim.nickname), std::move(w.claim.node), w.claim.session,
                          widen<bool>(std::move(done)));
        } else if constexpr (std::is_same_v<W, op::ReleaseNodeGuests>) {
          s.release_node_guests(std::move(w.node), widen<bool>(std::move(done)));
        } else {
          static_assert(std::is_same_v<W, op::Prune>);
          s.prune(w.policy, w.now_ms, widen<store::Pruned>(std::move(done)));
        }
      },
      std::move(write));
}

}  // namespace chatcore::cluster
