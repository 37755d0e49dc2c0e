// EventEncoder serialises an event once per broadcast: the hub hands the same pointer to every
// recipient of a fan-out in a row, so a one-entry cache hits for all but the first.
#pragma once

#include <chatcore/event.h>

#include <memory>
#include <string>

namespace chatcore::transport {

class EventEncoder {
 public:
  // The encoding of `event` without its seq; each session adds its own.
  std::shared_ptr<const std::string> encode(const EventPtr& event);

 private:
  EventPtr last_;
  std::shared_ptr<const std::string> last_wire_;
};

}  // namespace chatcore::transport
