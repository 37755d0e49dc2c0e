#include "cluster/log_codec.h"

#include <fmt/format.h>

#include <type_traits>

#include "cluster.pb.h"

namespace chatcore::cluster {

namespace {
using namespace chatcore::store;

// ---- Write -> LogCommand, one body per write ----

void put(Identity& to, const StoredIdentity& from) {
  to.set_id(from.id);
  to.set_secret_hash(from.secret_hash);
  to.set_nickname(from.nickname);
  to.set_created_ms(from.created_ms);
  to.set_last_seen_ms(from.last_seen_ms);
}

void put(Message& to, const StoredMessage& from) {
  // epoch and id are the replica's to give: they are not part of the command.
  to.set_room(from.room);
  to.set_from(from.from);
  to.set_text(from.text);
  to.set_sent_ms(from.sent_ms);
  to.set_client_msg_id(from.client_msg_id);
  to.set_kind(static_cast<std::uint32_t>(from.kind));
}

void put(Direct& to, const StoredDirect& from) {
  to.set_from_identity(from.from_identity);
  to.set_from(from.from);
  to.set_to_identity(from.to_identity);
  to.set_to(from.to);
  to.set_text(from.text);
  to.set_sent_ms(from.sent_ms);
  to.set_client_msg_id(from.client_msg_id);
  to.set_kind(static_cast<std::uint32_t>(from.kind));
}

void put(File& to, const StoredFile& from) {
  to.set_id(from.id);
  to.set_name(from.name);
  to.set_size(from.size);
  to.set_sha256(from.sha256);
  to.set_sender(from.sender);
  to.set_sender_identity(from.sender_identity);
  to.set_room(from.room);
  to.set_recipient(from.recipient);
  to.set_sent_ms(from.sent_ms);
  for (const auto id : from.allowed) to.add_allowed(id);
}

void put(Sanction& to, const StoredSanction& from) {
  to.set_kind(static_cast<std::uint32_t>(from.kind));
  to.set_identity(from.identity);
  to.set_room(from.room);
  to.set_until_ms(from.until_ms);
  to.set_reason(from.reason);
  to.set_by(from.by);
}

void put(LogCommand& c, const Write& write) {
  std::visit(
      [&c](const auto& w) {
        using W = std::decay_t<decltype(w)>;
        if constexpr (std::is_same_v<W, op::PutIdentity>) {
          put(*c.mutable_put_identity(), w.identity);
        } else if constexpr (std::is_same_v<W, op::DeleteIdentity>) {
          c.mutable_delete_identity()->set_id(w.id);
        } else if constexpr (std::is_same_v<W, op::CreateRoom>) {
          c.mutable_create_room()->set_name(w.name);
          c.mutable_create_room()->set_now_ms(w.now_ms);
        } else if constexpr (std::is_same_v<W, op::DeleteRoom>) {
          c.mutable_delete_room()->set_name(w.name);
          c.mutable_delete_room()->set_epoch(w.epoch);
        } else if constexpr (std::is_same_v<W, op::SetTopic>) {
          auto& b = *c.mutable_set_topic();
          b.set_room(w.room);
          b.set_topic(w.topic);
          b.set_by(w.by);
          b.set_now_ms(w.now_ms);
        } else if constexpr (std::is_same_v<W, op::AddMember>) {
          auto& b = *c.mutable_add_member();
          b.set_identity(w.member.identity);
          b.set_room(w.member.room);
          b.set_joined_ms(w.member.joined_ms);
        } else if constexpr (std::is_same_v<W, op::RemoveMember>) {
          c.mutable_remove_member()->set_identity(w.identity);
          c.mutable_remove_member()->set_room(w.room);
        } else if constexpr (std::is_same_v<W, op::Append>) {
          put(*c.mutable_append(), w.message);
        } else if constexpr (std::is_same_v<W, op::AppendDirect>) {
          put(*c.mutable_append_direct(), w.message);
        } else if constexpr (std::is_same_v<W, op::PutFile>) {
          put(*c.mutable_put_file(), w.file);
        } else if constexpr (std::is_same_v<W, op::RevokeFile>) {
          c.mutable_revoke_file()->set_file_id(w.file_id);
          c.mutable_revoke_file()->set_identity(w.identity);
        } else if constexpr (std::is_same_v<W, op::RemoveFile>) {
          c.mutable_remove_file()->set_file_id(w.file_id);
        } else if constexpr (std::is_same_v<W, op::SetRoomCreator>) {
          c.mutable_set_room_creator()->set_room(w.room);
          c.mutable_set_room_creator()->set_identity(w.identity);
        } else if constexpr (std::is_same_v<W, op::PutSanction>) {
          put(*c.mutable_put_sanction(), w.sanction);
        } else if constexpr (std::is_same_v<W, op::RemoveSanction>) {
          auto& b = *c.mutable_remove_sanction();
          b.set_kind(static_cast<std::uint32_t>(w.kind));
          b.set_identity(w.identity);
          b.set_room(w.room);
        } else if constexpr (std::is_same_v<W, op::SetMotd>) {
          c.mutable_set_motd()->set_motd(w.motd);
        } else if constexpr (std::is_same_v<W, op::SetTopicLock>) {
          auto& b = *c.mutable_set_topic_lock();
          b.set_room(w.room);
          b.set_locked(w.locked);
          b.set_by(w.by);
        } else if constexpr (std::is_same_v<W, op::ClaimGuest> ||
                             std::is_same_v<W, op::ReleaseGuest>) {
          auto& b = std::is_same_v<W, op::ClaimGuest> ? *c.mutable_claim_guest()
                                                      : *c.mutable_release_guest();
          b.set_nickname(w.claim.nickname);
          b.set_node(w.claim.node);
          b.set_session(w.claim.session);
        } else if constexpr (std::is_same_v<W, op::ReleaseNodeGuests>) {
          c.mutable_release_node_guests()->set_node(w.node);
        } else {
          static_assert(std::is_same_v<W, op::Prune>);
          auto& b = *c.mutable_prune();
          b.set_history_keep(w.policy.history_keep);
          b.set_history_ms(w.policy.history_ms);
          b.set_file_ms(w.policy.file_ms);
          b.set_nick_ms(w.policy.nick_ms);
          b.set_upload_ms(w.policy.upload_ms);
          b.set_now_ms(w.now_ms);
        }
      },
      write);
}

// ---- LogCommand -> Write ----

StoredIdentity take(const Identity& b) {
  return {.id = b.id(), .secret_hash = b.secret_hash(), .nickname = b.nickname(),
          .created_ms = b.created_ms(), .last_seen_ms = b.last_seen_ms()};
}

MessageKind kind_of(std::uint32_t k) {
  return k == static_cast<std::uint32_t>(MessageKind::action) ? MessageKind::action
                                                               : MessageKind::normal;
}

StoredMessage take(const Message& b) {
  return {.room = b.room(), .from = b.from(), .text = b.text(), .sent_ms = b.sent_ms(),
          .client_msg_id = b.client_msg_id(), .kind = kind_of(b.kind())};
}

StoredDirect take(const Direct& b) {
  return {.from_identity = b.from_identity(), .from = b.from(), .to_identity = b.to_identity(),
          .to = b.to(), .text = b.text(), .sent_ms = b.sent_ms(),
          .client_msg_id = b.client_msg_id(), .kind = kind_of(b.kind())};
}

StoredFile take(const File& b) {
  return {.id = b.id(), .name = b.name(), .size = b.size(), .sha256 = b.sha256(),
          .sender = b.sender(), .sender_identity = b.sender_identity(), .room = b.room(),
          .recipient = b.recipient(), .sent_ms = b.sent_ms(),
          .allowed = {b.allowed().begin(), b.allowed().end()}};
}

Result<SanctionKind> sanction_kind(std::uint32_t k) {
  if (k == static_cast<std::uint32_t>(SanctionKind::ban)) return SanctionKind::ban;
  if (k == static_cast<std::uint32_t>(SanctionKind::mute)) return SanctionKind::mute;
  return Status(Code::invalid_argument, fmt::format("a log command has sanction kind {}", k));
}

Result<Write> take(const LogCommand& c) {
  switch (c.body_case()) {
    case LogCommand::kPutIdentity:
      return Write{op::PutIdentity{take(c.put_identity())}};
    case LogCommand::kDeleteIdentity:
      return Write{op::DeleteIdentity{c.delete_identity().id()}};
    case LogCommand::kCreateRoom:
      return Write{op::CreateRoom{c.create_room().name(), c.create_room().now_ms()}};
    case LogCommand::kDeleteRoom:
      return Write{op::DeleteRoom{c.delete_room().name(), c.delete_room().epoch()}};
    case LogCommand::kSetTopic: {
      const auto& b = c.set_topic();
      return Write{op::SetTopic{b.room(), b.topic(), b.by(), b.now_ms()}};
    }
    case LogCommand::kAddMember: {
      const auto& b = c.add_member();
      return Write{op::AddMember{{.identity = b.identity(), .room = b.room(),
                                  .joined_ms = b.joined_ms()}}};
    }
    case LogCommand::kRemoveMember:
      return Write{op::RemoveMember{c.remove_member().identity(), c.remove_member().room()}};
    case LogCommand::kAppend:
      return Write{op::Append{take(c.append())}};
    case LogCommand::kAppendDirect:
      return Write{op::AppendDirect{take(c.append_direct())}};
    case LogCommand::kPutFile:
      return Write{op::PutFile{take(c.put_file())}};
    case LogCommand::kRevokeFile:
      return Write{op::RevokeFile{c.revoke_file().file_id(), c.revoke_file().identity()}};
    case LogCommand::kRemoveFile:
      return Write{op::RemoveFile{c.remove_file().file_id()}};
    case LogCommand::kSetRoomCreator:
      return Write{op::SetRoomCreator{c.set_room_creator().room(), c.set_room_creator().identity()}};
    case LogCommand::kPutSanction: {
      const auto& b = c.put_sanction();
      auto kind = sanction_kind(b.kind());
      if (!kind.ok()) return kind.status();
      return Write{op::PutSanction{{.kind = *kind, .identity = b.identity(), .room = b.room(),
                                    .until_ms = b.until_ms(), .reason = b.reason(), .by = b.by()}}};
    }
    case LogCommand::kRemoveSanction: {
      const auto& b = c.remove_sanction();
      auto kind = sanction_kind(b.kind());
      if (!kind.ok()) return kind.status();
      return Write{op::RemoveSanction{*kind, b.identity(), b.room()}};
    }
    case LogCommand::kSetMotd:
      return Write{op::SetMotd{c.set_motd().motd()}};
    case LogCommand::kSetTopicLock: {
      const auto& b = c.set_topic_lock();
      return Write{op::SetTopicLock{b.room(), b.locked(), b.by()}};
    }
    case LogCommand::kClaimGuest: {
      const auto& b = c.claim_guest();
      return Write{op::ClaimGuest{{b.nickname(), b.node(), b.session()}}};
    }
    case LogCommand::kReleaseGuest: {
      const auto& b = c.release_guest();
      return Write{op::ReleaseGuest{{b.nickname(), b.node(), b.session()}}};
    }
    case LogCommand::kReleaseNodeGuests:
      return Write{op::ReleaseNodeGuests{c.release_node_guests().node()}};
    case LogCommand::kPrune: {
      const auto& b = c.prune();
      return Write{op::Prune{{.history_keep = static_cast<std::size_t>(b.history_keep()),
                              .history_ms = b.history_ms(), .file_ms = b.file_ms(),
                              .nick_ms = b.nick_ms(), .upload_ms = b.upload_ms()},
                             b.now_ms()}};
    }
    case LogCommand::BODY_NOT_SET:
      break;
  }
  // An unknown field number parses as no body: a command from a newer build.
  return Status(Code::invalid_argument,
                "a log command has no write this node knows (written by a newer chatd?)");
}
}  // namespace

std::string encode(const Origin& origin, const Write& write) {
  LogCommand c;
  c.set_node(origin.node);
  c.set_op(origin.op);
  put(c, write);
  return c.SerializeAsString();
}

Result<Decoded> decode(std::string_view bytes) {
  LogCommand c;
  if (!c.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Status(Code::invalid_argument,
                  fmt::format("a log command of {} bytes does not parse", bytes.size()));
  }
  auto write = take(c);
  if (!write.ok()) return write.status();
  return Decoded{{c.node(), c.op()}, std::move(*write)};
}

}  // namespace chatcore::cluster
