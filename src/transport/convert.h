// Conversion between the plain chatcore types and the chatcore.v1 protobuf messages,
// used by the server's calls and by the client class alike.
#pragma once

#include <chatcore/event.h>
#include <chatcore/status.h>
#include <chatcore/types.h>

#include <grpcpp/support/status.h>

#include <optional>

#include "chatcore/v1/chat.pb.h"

namespace chatcore::transport {

void to_proto(const Event& event, std::uint64_t seq, v1::Event* out);
// nullopt (logged) for an event of a kind this build does not know: a newer server's.
std::optional<Event> from_proto(const v1::Event& event);

void to_proto(const FileInfo& file, v1::FileInfo* out);
FileInfo from_proto(const v1::FileInfo& file);
void to_proto(const Limits& limits, v1::ServerLimits* out);
Limits from_proto(const v1::ServerLimits& limits);
void to_proto(const RoomInfo& room, v1::RoomInfo* out);
RoomInfo from_proto(const v1::RoomInfo& room);
ResumePosition from_proto(const v1::ResumePosition& resume);
void to_proto(const UserInfo& user, v1::UserInfo* out);
UserInfo from_proto(const v1::UserInfo& user);
v1::MessageKind to_proto(MessageKind kind);
// nullopt for a value this build does not know.
std::optional<MessageKind> from_proto(v1::MessageKind kind);
v1::Presence to_proto(Presence presence);
Presence from_proto(v1::Presence presence);

// Moderation (convert_moderation.cc). nullopt for an action this build does not know.
void to_proto(const Moderated& moderated, v1::Moderated* out);
std::optional<Moderated> from_proto(const v1::Moderated& moderated);
v1::ModerationAction to_proto(ModerationAction action);
std::optional<ModerationAction> from_proto(v1::ModerationAction action);

grpc::Status to_grpc(const Status& status);
Status from_grpc(const grpc::Status& status);

}  // namespace chatcore::transport
