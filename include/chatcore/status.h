// Status and Result: how every chatcore call reports failure, with gRPC's code numbers
// but no gRPC type, so hosts and the chat model need no gRPC header.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace chatcore {

// Same numbers as grpc::StatusCode.
enum class Code {
  ok = 0,
  cancelled = 1,
  unknown = 2,
  invalid_argument = 3,
  deadline_exceeded = 4,
  not_found = 5,
  already_exists = 6,
  permission_denied = 7,
  resource_exhausted = 8,
  failed_precondition = 9,
  aborted = 10,
  out_of_range = 11,
  unimplemented = 12,
  internal = 13,
  unavailable = 14,
  data_loss = 15,
  unauthenticated = 16,
};

std::string_view code_name(Code code);

struct Status {
  Code code = Code::ok;
  std::string message;

  Status() = default;
  Status(Code c, std::string m) : code(c), message(std::move(m)) {}

  bool ok() const { return code == Code::ok; }
  // "NOT_FOUND: no user named bob"
  std::string to_string() const;
};

// A value or the status that explains why there is none.
template <class T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  Result(Code code, std::string message) : status_(code, std::move(message)) {}

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return value_; }
  const T& value() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }
  const T& operator*() const { return value_; }

 private:
  T value_{};
  Status status_{};
};

}  // namespace chatcore
