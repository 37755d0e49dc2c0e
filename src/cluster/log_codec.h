// The codec between a Store write (cluster::Write) and the log's wire form (LogCommand in
// cluster.proto): encode on the submitting node, decode on every replica.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <chatcore/status.h>

#include "cluster/log_write.h"

namespace chatcore::cluster {

// What a command says besides the write: who submitted it, and its number on that node.
struct Origin {
  std::string node;
  std::uint64_t op = 0;
};

struct Decoded {
  Origin origin;
  Write write;
};

// The serialized LogCommand.
std::string encode(const Origin& origin, const Write& write);
// INVALID_ARGUMENT for bytes that are not a LogCommand, or one with no (or an unknown) body:
// a newer node's command that this build cannot apply.
Result<Decoded> decode(std::string_view bytes);

}  // namespace chatcore::cluster
