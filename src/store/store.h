// Store is where chat state outlives the process: rooms and their message history. It is an
// interface so an embedded SQLite and a replicated log (NATS JetStream) can both fill it.
#pragma once

#include <chatcore/status.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chatcore::store {

// Hands a completion to the thread that owns the chat state (the loop, through its Waker).
// Every operation is asynchronous: the caller never waits on storage, and a completion never
// runs on a store thread, so it may touch loop state freely.
using Post = std::function<void(std::function<void()>)>;

template <class T>
using Done = std::function<void(Result<T>)>;

struct StoredRoom {
  std::string name;
  // Names a room's life: a room deleted and created again under the same name gets a new
  // epoch, so a position (epoch, id) held by a client never points into the wrong history.
  std::uint64_t epoch = 0;
  std::uint64_t last_id = 0;  // id of its newest message; 0 while it has none
  std::int64_t created_ms = 0;
};

struct StoredMessage {
  std::string room;
  std::uint64_t id = 0;  // 1, 2, 3... within the room's epoch; orders its history
  std::string from;
  std::string text;
  std::int64_t sent_ms = 0;  // Unix time, milliseconds
};

class Store {
 public:
  virtual ~Store() = default;

  // What it is and how it is set up, for the start-up log line.
  virtual std::string describe() const = 0;

  // A new room (its epoch), or ALREADY_EXISTS.
  virtual void create_room(std::string name, std::int64_t now_ms, Done<StoredRoom> done) = 0;
  // Removes the room with its whole history; NOT_FOUND if there is none.
  virtual void delete_room(std::string name, Done<bool> done) = 0;
  // Every room, by name.
  virtual void rooms(Done<std::vector<StoredRoom>> done) = 0;
  // Appends to the room's history and gives the message its id. `done` runs only once the
  // message is committed: an ok result means it survives a crash of the process.
  virtual void append(StoredMessage message, Done<StoredMessage> done) = 0;
  // Up to `limit` messages with id < before_id (0: from the newest), oldest first.
  virtual void history(std::string room, std::uint64_t before_id, std::size_t limit,
                       Done<std::vector<StoredMessage>> done) = 0;
  // Finishes the work already queued (its completions are still posted), then stops; later
  // operations fail with UNAVAILABLE. Idempotent.
  virtual void close() = 0;
};

}  // namespace chatcore::store
