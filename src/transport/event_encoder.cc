#include "transport/event_encoder.h"

#include "chatcore/v1/chat.pb.h"
#include "transport/convert.h"

namespace chatcore::transport {

std::shared_ptr<const std::string> EventEncoder::encode(const EventPtr& event) {
  if (event != last_) {
    v1::Event message;
    to_proto(*event, 0, &message);  // seq 0 is not encoded
    auto wire = std::make_shared<std::string>();
    message.SerializeToString(wire.get());
    last_ = event;
    last_wire_ = std::move(wire);
  }
  return last_wire_;
}

}  // namespace chatcore::transport
