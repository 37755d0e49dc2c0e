// Raw request parsing with a readable INVALID_ARGUMENT, and raw response serialization.
#include "transport/raw_message.h"

#include <google/protobuf/unknown_field_set.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace chatcore::transport {

namespace {
std::string flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes;
}
}  // namespace

Status parse_message(grpc::ByteBuffer& buffer, google::protobuf::MessageLite& out) {
  // The copy only takes references on the slices; it is read again on failure, after the
  // parse has consumed the original.
  const grpc::ByteBuffer kept(buffer);
  if (grpc::GenericDeserialize<grpc::ProtoBufferReader, google::protobuf::MessageLite>(&buffer,
                                                                                      &out)
          .ok()) {
    return {};
  }
  // Well-formed wire data that the typed parse refused: a string field with bytes that are not
  // UTF-8 (proto3 requires it), or a field sent with another wire type than declared.
  google::protobuf::UnknownFieldSet fields;
  if (fields.ParseFromString(flatten(kept))) {
    return Status(Code::invalid_argument,
                  fmt::format("cannot parse {}: a text field is not valid UTF-8 (or a field has "
                              "the wrong wire type)",
                              out.GetTypeName()));
  }
  return Status(Code::invalid_argument,
                fmt::format("cannot parse {}: the bytes are not a protobuf message",
                            out.GetTypeName()));
}

grpc::ByteBuffer to_buffer(const google::protobuf::MessageLite& message) {
  grpc::ByteBuffer buffer;
  bool own = false;
  (void)grpc::GenericSerialize<grpc::ProtoBufferWriter, google::protobuf::MessageLite>(message, &buffer, &own);
  return buffer;
}

}  // namespace chatcore::transport
