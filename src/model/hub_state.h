// The private state behind ChatHub, shared by hub.cc (sessions, rooms, messages) and
// hub_files.cc (the file registry). Not part of any interface.
#pragma once

#include "model/hub.h"

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace chatcore::model {

// Names are unique ignoring ASCII case; this is the key they are stored under.
std::string fold_case(std::string_view s);
std::int64_t now_unix_ms();
EventPtr make_event(EventBody body);
Status unknown_session();

struct Session {
  SessionId id = 0;
  std::string nickname;  // as the user spelled it
  std::string token;
  Participant* participant = nullptr;
  std::string room_key;  // folded room name; empty = lobby
  std::vector<std::string> files;  // ids this session may download, in publish order
};

struct Room {
  std::string name;              // canonical spelling, as created
  std::set<SessionId> members;
  std::deque<RoomMessage> history;  // stored with replay = false
};

struct FileRecord {
  FileInfo info;
  std::unordered_set<SessionId> allowed;
};

struct ChatHub::State {
  HubConfig config;
  SessionId next_session = 1;
  std::uint64_t next_message = 1;
  std::unordered_map<SessionId, Session> sessions;
  std::unordered_map<std::string, SessionId> by_nick;   // folded nickname -> session
  std::unordered_map<std::string, SessionId> by_token;
  std::map<std::string, Room> rooms;                    // folded name -> room
  std::unordered_map<std::string, FileRecord> files;  // file id -> record
  std::unordered_map<std::string, std::size_t> files_by_sender;  // folded sender -> records
  std::vector<FileInfo> dropped_files;  // awaiting take_dropped_files()

  Session* session(SessionId id);
  const Session* session(SessionId id) const;
  Session* session_named(std::string_view nickname);
  const Session* session_named(std::string_view nickname) const;
  Room* room(std::string_view name);
  const Room* room(std::string_view name) const;
  // Delivers one shared event to each listed session that is still known.
  template <class Ids>
  void deliver(const Ids& ids, const EventPtr& event) {
    for (SessionId id : ids) {
      if (auto* s = session(id)) s->participant->deliver(event);
    }
  }
  // Takes the session out of its room: the remaining members (and the leaver too when
  // `tell_self`) see MemberLeft; an emptied room is deleted with its history.
  void leave_current(Session& s, std::string_view reason, bool tell_self);
  // Drops the session's download rights so the registry does not keep dead ids; a record
  // nobody may download any more is dropped too, to bound the registry and its storage.
  void forget_files(const Session& s);
  // RESOURCE_EXHAUSTED when the session's user already has max_files_per_user records.
  Status check_file_cap(const Session& s) const;
};

}  // namespace chatcore::model
