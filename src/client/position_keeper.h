// The resume position a client sends at Connect: the newest room message (per room and
// epoch) and DM it has handed to its user, kept in memory and, for an identity, in a file.
#pragma once

#include <chatcore/event.h>
#include <chatcore/status.h>
#include <chatcore/types.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace chatcore::client {

class PositionKeeper {
 public:
  // `file` empty: kept in memory only (a guest's position means nothing to a later process).
  explicit PositionKeeper(std::filesystem::path file = {});

  // Where `nickname`'s position on the server at `address` is kept under `state_dir`.
  static std::filesystem::path file_for(const std::filesystem::path& state_dir,
                                        const std::string& address, const std::string& nickname);

  // Reads the file; a missing or empty one is no position. FAILED_PRECONDITION naming the
  // file when it is not one this class wrote.
  Status load();
  // Written to a temporary file and renamed over the old one, so a crash leaves either.
  // Does nothing when nothing changed since the last save.
  Status save();
  // Starts over, with no position, kept in `file` (empty: in memory).
  void reset(std::filesystem::path file);
  // Saves under `file` from now on and removes the old file (the nickname changed).
  Status move_to(std::filesystem::path file);

  ResumePosition position() const;
  // Counts an event that was handed to the user; true when the position moved.
  bool note(const Event& event);
  // The user is in `room` (it joined, or a Welcome lists it): a room without a position gets
  // one at the room's newest message, which the history sent with the join ends at. True
  // when the position moved.
  bool enter_room(const RoomInfo& room);
  // The user left `room`: its position is of no further use.
  void forget_room(const std::string& room);
  // An identity's Welcome names every room it is in; positions of others are of no use, and
  // rooms without one get one (as enter_room).
  void keep_rooms(const std::vector<RoomInfo>& rooms);

 private:
  Status write_locked();
  bool enter_locked(const RoomInfo& room);

  mutable std::mutex mu_;
  std::filesystem::path file_;
  ResumePosition position_;
  bool dirty_ = false;
};

}  // namespace chatcore::client
