// ChatHub is the whole chat model: sessions, nicknames, rooms, history, DMs and the file
// registry with its permissions. It knows sessions only as Participants, never a gRPC type.
#pragma once

#include <chatcore/event.h>
#include <chatcore/status.h>
#include <chatcore/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace chatcore::model {

// The fan-out interface. A transport session (or, later, a cross-node broker) implements it.
// deliver() is called on the loop thread and must not call back into the hub.
class Participant {
 public:
  virtual ~Participant() = default;
  virtual void deliver(const EventPtr& event) = 0;
};

using SessionId = std::uint64_t;  // 0 is never a session

struct HubConfig {
  Limits limits;
  std::size_t max_rooms = 10000;
  std::size_t max_room_members = 10000;
  // Files one user (by nickname) may have in the registry at once; 0 means no cap.
  std::size_t max_files_per_user = 100;
  std::string server_name = "chatd";
};

// Where an upload goes: exactly one of room / recipient is set.
struct UploadTarget {
  std::string room;
  std::string recipient;
  // The recipient's session: the file goes to that person even if they change nicknames
  // meanwhile, and never to someone who took the nickname after they left.
  SessionId recipient_id = 0;
  std::string safe_name;  // display name reduced to a safe base name
};

class ChatHub {
 public:
  explicit ChatHub(HubConfig config);
  ~ChatHub();
  ChatHub(const ChatHub&) = delete;
  ChatHub& operator=(const ChatHub&) = delete;

  // Opens a session in the lobby and delivers its Welcome (with a fresh random token) first.
  // INVALID_ARGUMENT for a bad nickname, ALREADY_EXISTS when it is taken.
  Result<SessionId> connect(std::string_view nickname, Participant* participant);
  // Removes the session; its room (if any) sees a MemberLeft with `reason`.
  void disconnect(SessionId id, std::string_view reason);
  // 0 when no session has this token.
  SessionId find(std::string_view token) const;
  std::string nickname(SessionId id) const;  // empty for an unknown id
  std::string room_of(SessionId id) const;   // empty = lobby
  std::size_t session_count() const;
  std::size_t room_count() const;

  Result<RoomInfo> create_room(SessionId id, std::string_view name);  // creates and joins
  Result<RoomInfo> join_room(SessionId id, std::string_view name);
  Result<RoomInfo> leave_room(SessionId id);  // back to the lobby; RoomInfo{"" , 0}
  std::vector<RoomInfo> list_rooms() const;   // sorted by name
  // Every online user (room empty) or the members of `room` (NOT_FOUND if it does not exist).
  Result<std::vector<UserInfo>> list_users(std::string_view room) const;

  // Returns the message id. FAILED_PRECONDITION unless the sender is a member of `room`.
  Result<std::uint64_t> send_room(SessionId id, std::string_view room, std::string_view text,
                                  std::uint64_t client_msg_id);
  // Delivered to the recipient and echoed to the sender. NOT_FOUND for an unknown recipient.
  Result<std::uint64_t> send_direct(SessionId id, std::string_view recipient, std::string_view text,
                                    std::uint64_t client_msg_id);
  Result<std::string> change_nick(SessionId id, std::string_view nickname);

  // Checks an upload before any byte is stored: size limit, destination, file name.
  Result<UploadTarget> check_upload(SessionId id, std::string_view name, std::uint64_t size,
                                    std::string_view room, std::string_view recipient) const;
  // A new unguessable file id (also the on-disk name).
  std::string new_file_id();
  // Registers a completed upload and sends the FileNotice to the room's members at this moment
  // (or to the recipient), and to the uploader. Those sessions may download it.
  // FAILED_PRECONDITION if the destination vanished meanwhile (the caller deletes the file).
  Result<FileInfo> publish_file(SessionId id, const UploadTarget& target, std::string_view file_id,
                                std::uint64_t size, std::string_view sha256);
  // NOT_FOUND for an unknown id, PERMISSION_DENIED for a session the file was not sent to.
  Result<FileInfo> authorize_download(SessionId id, std::string_view file_id) const;
  std::vector<FileInfo> list_files(SessionId id) const;  // newest first
  // Files no live session may download any more (their last holder disconnected), dropped
  // from the registry since the last call; the caller deletes them from storage.
  std::vector<FileInfo> take_dropped_files();

  // Delivers a ShutdownNotice to every session.
  void shutdown(std::string_view reason);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace chatcore::model
