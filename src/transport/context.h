// ServiceContext is what every CallData shares: the async service, the completion queue, the
// chat model, the disk pool and the loop's plain helpers (admission, storage budget, call
// registry, flush list). Touched only on the loop thread, except the Waker and the pool.
#pragma once

#include <chatcore/config.h>

#include <boost/asio/thread_pool.hpp>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chatcore/v1/chat.grpc.pb.h"
#include "model/hub.h"
#include "store/sqlite_store.h"
#include "transport/admission.h"
#include "transport/call_registry.h"
#include "transport/delayed_flush.h"
#include "transport/memory_trim.h"
#include "transport/resumable_uploads.h"
#include "transport/event_encoder.h"
#include "transport/flush_list.h"
#include "transport/loop.h"
#include "transport/metrics.h"
#include "transport/retention_timer.h"
#include "transport/storage_budget.h"
#include "transport/transfer_memory.h"
#include "transport/transfer_slots.h"

namespace chatcore::transport {

class ClusterFiles;

// Every method is raw. Connect's stream carries bytes the loop assembles from each event's
// encoding, built once per broadcast (see EventEncoder). The others parse their requests
// themselves (raw_message.h): gRPC answers a typed request it cannot parse with INTERNAL.
using ChatAsyncService = v1::Chat::WithRawMethod_Connect<
    v1::Chat::WithRawMethod_ListRooms<v1::Chat::WithRawMethod_CreateRoom<
        v1::Chat::WithRawMethod_JoinRoom<v1::Chat::WithRawMethod_LeaveRoom<
            v1::Chat::WithRawMethod_SendMessage<v1::Chat::WithRawMethod_SendDirect<
                v1::Chat::WithRawMethod_ChangeNick<v1::Chat::WithRawMethod_ListUsers<
                    v1::Chat::WithRawMethod_Upload<v1::Chat::WithRawMethod_Download<
                        v1::Chat::WithRawMethod_ListFiles<v1::Chat::WithRawMethod_History<
                            v1::Chat::WithRawMethod_UploadStatus<v1::Chat::WithRawMethod_SetTopic<
                                v1::Chat::WithRawMethod_SetAway<v1::Chat::WithRawMethod_Whois<
                                    v1::Chat::WithRawMethod_Moderate<
                                        v1::Chat::Service>>>>>>>>>>>>>>>>>>;

struct ServiceContext {
  explicit ServiceContext(Config c);
  ~ServiceContext();

  Config config;  // storage_dir resolved (files_dir)
  std::filesystem::path store_path;
  std::unique_ptr<store::Store> store;  // opened by ChatService::attach
  ChatAsyncService service;
  EventEncoder encoder;
  std::unique_ptr<grpc::ServerCompletionQueue> cq;
  std::unique_ptr<Waker> waker;  // created once the queue exists
  model::ChatHub hub;
  Metrics metrics;  // read by scrapes from other threads
  // When each message answered in this loop turn arrived; the turn's flush times them.
  std::vector<std::chrono::steady_clock::time_point> sent_this_turn;
  boost::asio::thread_pool io_pool;
  Admission admission;
  StorageBudget storage;
  TransferSlots transfers;  // per session, Config::max_transfers
  TransferMemory transfer_memory;  // server-wide, Config::transfer_memory
  ResumableUploads resumable;  // interrupted uploads, kept for Config::resume_keep
  CallRegistry calls;
  FlushList flush;
  DelayedFlush delayed_flush;  // presence output, flushed together a little later
  MemoryTrim memory_trim{io_pool, metrics.deliveries};  // freed heap back after a burst
  RetentionTimer retention;         // prunes the store by the retention flags
  // Sessions on the whole server (Config::max_sessions, or derived from the fd limit).
  std::size_t max_sessions = 0;
  std::unique_ptr<ClusterFiles> cluster_files;  // with --cluster: files from other nodes

  std::filesystem::path file_path(const std::string& id) const { return config.storage_dir / id; }
  std::filesystem::path temp_path(const std::string& id) const {
    return config.storage_dir / (id + ".part");
  }
  std::filesystem::path partial_dir() const { return config.storage_dir / "partial"; }
  std::filesystem::path partial_path(const std::string& id) const { return partial_dir() / id; }
};

// Each arms one call of its RPC; every call re-arms itself when it starts.
void arm_connect(ServiceContext& ctx);
void arm_unary_calls(ServiceContext& ctx);
void arm_upload(ServiceContext& ctx);
void arm_download(ServiceContext& ctx);
void arm_fetch_file(ServiceContext& ctx);  // with --cluster only

}  // namespace chatcore::transport
