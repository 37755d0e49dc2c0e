// WriteQueue holds one session's outgoing events while its stream's single write slot is busy.
// It is bounded in events and bytes so that a reader who stalls cannot grow the server.
#pragma once

#include <chatcore/event.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace chatcore::model {

// A rough wire size of an event, for the byte bound (strings plus a fixed overhead).
std::size_t approx_bytes(const Event& event);

class WriteQueue {
 public:
  struct Bounds {
    std::size_t max_events = 100000;
    std::size_t max_bytes = 64u << 20;
  };
  enum class Push {
    start_write,  // nothing was in flight: the caller takes a batch and writes it now
    queued,       // a write is in flight: the event waits for its turn
    overflow,     // a bound would be exceeded: the event was not queued
  };

  // An event with, optionally, its encoding shared by every recipient (built once per
  // broadcast by the transport); the byte bound then counts the encoding's real size.
  struct Item {
    EventPtr event;
    std::shared_ptr<const std::string> wire;
    std::size_t bytes = 0;
  };

  explicit WriteQueue(Bounds bounds) : bounds_(bounds) {}

  Push push(EventPtr event, std::shared_ptr<const std::string> wire = {});
  // Takes the next events for one write (at least one, at most the given counts) and marks
  // a write in flight. Empty when nothing is queued.
  std::vector<Item> take_batch(std::size_t max_events, std::size_t max_bytes);
  // The write in flight completed. True when more events are queued for the next write.
  bool write_done();
  // Drops every event not yet taken for a write: a session closed without a flush frees its
  // backlog now, not when its stream is finally torn down.
  void drop_pending() {
    items_ = {};
    head_ = 0;
    bytes_ = 0;
  }

  bool writing() const { return writing_; }
  bool empty() const { return head_ == items_.size(); }
  std::size_t size() const { return items_.size() - head_; }
  std::size_t bytes() const { return bytes_; }
  // The items the queue has room for without allocating: 0 once everything was taken, so an
  // idle session holds no queue storage (a burst's would pin the pages it was carved from).
  std::size_t capacity() const { return items_.capacity(); }

 private:
  Bounds bounds_;
  // A vector and the index of its first untaken item: a batch usually takes everything and
  // then takes the storage itself; a partial batch leaves a head that is compacted away once
  // it is half of the vector.
  std::vector<Item> items_;
  std::size_t head_ = 0;
  std::size_t bytes_ = 0;
  bool writing_ = false;
};

}  // namespace chatcore::model
