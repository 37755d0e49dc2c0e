// ServiceContext is what every CallData shares: the async service, the completion queue, the
// chat model, the disk pool and the loop's own bookkeeping. Touched only on the loop thread,
// except the Waker and the pool, which are thread-safe.
#pragma once

#include <chatcore/config.h>

#include <boost/asio/thread_pool.hpp>
#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chatcore/v1/chat.grpc.pb.h"
#include "model/hub.h"
#include "model/token_bucket.h"
#include "transport/loop.h"
#include "transport/metrics.h"

namespace chatcore::transport {

class SessionCall;

// Connect is a raw method: a session's stream carries bytes the loop assembles from each
// event's encoding, built once per broadcast (see EventEncoder). Every other RPC is typed.
using ChatAsyncService = v1::Chat::WithRawMethod_Connect<
    v1::Chat::WithAsyncMethod_ListRooms<v1::Chat::WithAsyncMethod_CreateRoom<
        v1::Chat::WithAsyncMethod_JoinRoom<v1::Chat::WithAsyncMethod_LeaveRoom<
            v1::Chat::WithAsyncMethod_SendMessage<v1::Chat::WithAsyncMethod_SendDirect<
                v1::Chat::WithAsyncMethod_ChangeNick<v1::Chat::WithAsyncMethod_ListUsers<
                    v1::Chat::WithAsyncMethod_Upload<v1::Chat::WithAsyncMethod_Download<
                        v1::Chat::WithAsyncMethod_ListFiles<v1::Chat::Service>>>>>>>>>>>>;

// The encoding of an event without its seq, cached for the event a fan-out is delivering:
// the hub hands the same pointer to every recipient in a row.
class EventEncoder {
 public:
  std::shared_ptr<const std::string> encode(const EventPtr& event);

 private:
  EventPtr last_;
  std::shared_ptr<const std::string> last_wire_;
};

struct ServiceContext {
  explicit ServiceContext(Config c);

  Config config;
  ChatAsyncService service;
  EventEncoder encoder;
  std::unique_ptr<grpc::ServerCompletionQueue> cq;
  std::unique_ptr<Waker> waker;  // created once the queue exists
  model::ChatHub hub;
  Metrics metrics;  // read by scrapes from other threads
  boost::asio::thread_pool io_pool;

  bool shutting_down = false;  // set on the loop thread; no call re-arms after it
  std::unordered_map<model::SessionId, SessionCall*> sessions;
  int active_calls = 0;  // calls that started and are not yet freed
  std::unordered_map<std::string_view, int> active_by_kind;  // for the shutdown diagnostics

  // Flood protection and per-address limits, per logged-in session.
  struct SessionLimits {
    model::TokenBucket messages;
    model::TokenBucket commands;
    std::string address;
  };
  std::unordered_map<model::SessionId, SessionLimits> limits;
  std::unordered_map<std::string, std::size_t> sessions_per_address;

  // Storage accounting: bytes of stored files, and bytes declared by uploads in flight.
  std::uint64_t stored_bytes = 0;
  std::uint64_t reserved_bytes = 0;

  // Shutdown waits on these; the loop thread signals them.
  std::mutex shutdown_mutex;
  std::condition_variable shutdown_cv;
  bool sessions_drained = false;  // every session stream has ended
  bool calls_idle = false;        // no started call is left
  void check_drained();           // loop thread, while shutting down

  // Looks the request's session token up. UNAUTHENTICATED with a readable message if unknown.
  Result<model::SessionId> session(const std::string& token) const;
  // Flood protection: RESOURCE_EXHAUSTED with a retry hint when the user's bucket is empty.
  Status admit(model::SessionId id, bool is_message);

  // Per-address session limit: RESOURCE_EXHAUSTED when `peer` has too many sessions.
  Status check_address(const std::string& peer) const;
  void session_opened(model::SessionId id, const std::string& peer);
  void session_closed(model::SessionId id);

  std::filesystem::path file_path(const std::string& id) const { return config.storage_dir / id; }
  std::filesystem::path temp_path(const std::string& id) const {
    return config.storage_dir / (id + ".part");
  }
};

// Counts a started call in active_calls for as long as the call lives.
class ActiveCall {
 public:
  ActiveCall() = default;
  ActiveCall(const ActiveCall&) = delete;
  ActiveCall& operator=(const ActiveCall&) = delete;
  ~ActiveCall();
  void start(ServiceContext& ctx, std::string_view kind);

 private:
  ServiceContext* ctx_ = nullptr;
  std::string_view kind_;
};

// Each arms one call of its RPC; every call re-arms itself when it starts.
void arm_connect(ServiceContext& ctx);
void arm_unary_calls(ServiceContext& ctx);
void arm_upload(ServiceContext& ctx);
void arm_download(ServiceContext& ctx);

}  // namespace chatcore::transport
