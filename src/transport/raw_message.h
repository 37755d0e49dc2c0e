// Parsing and serializing the messages of the RPCs that the service requests raw. gRPC's typed
// async methods answer a request it cannot parse (e.g. a string that is not UTF-8) with
// INTERNAL itself, before any of our code runs; raw methods let us answer INVALID_ARGUMENT.
#pragma once

#include <google/protobuf/message_lite.h>
#include <grpcpp/support/byte_buffer.h>

#include <chatcore/status.h>

namespace chatcore::transport {

// Parses `buffer` into `out`; on failure says readably whether the bytes were no protobuf
// message at all or a text field of it is not valid UTF-8.
Status parse_message(grpc::ByteBuffer& buffer, google::protobuf::MessageLite& out);

// The wire form of `message`, for a raw writer or responder.
grpc::ByteBuffer to_buffer(const google::protobuf::MessageLite& message);

}  // namespace chatcore::transport
