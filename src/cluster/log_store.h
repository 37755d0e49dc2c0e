// LogStore is the Store of a chatd node in a cluster: every shared write goes through the
// replicated command log on JetStream and is answered once this node's replica applied it.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "cluster/log_replica.h"
#include "cluster/log_stream.h"
#include "cluster/log_write.h"
#include "store/sqlite_store.h"

namespace chatcore::cluster {

struct LogOptions {
  std::string node;  // this node's id: [a-z0-9-]{1,32}
  LogStreamConfig stream{};
  // A publish JetStream has not acknowledged by then fails its write with UNAVAILABLE.
  std::int64_t publish_timeout_ms = 3000;
  // How long open() waits for the replica to reach the end of the log as it was then.
  std::int64_t catch_up_ms = 30000;
};

class LogStore final : public store::Store {
 public:
  using Observer = std::function<void(LogChange)>;

  // `nats` is connected and owned by the caller; it outlives the LogStore. `replica` is this
  // node's database, opened with the same `post`. Sets the stream up, subscribes after the
  // replica's applied position and waits (blocking: before the loop starts) until it has
  // caught up with the log. FAILED_PRECONDITION if the log no longer holds the commands
  // after the replica's position.
  static Result<std::unique_ptr<LogStore>> open(natsConnection* nats,
                                                std::unique_ptr<store::SqliteStore> replica,
                                                store::Post post, LogOptions options);
  ~LogStore() override;

  // Changes that other nodes made (and this node's own that no write waits for), on the loop,
  // in log order, after the snapshot load() gave.
  void set_observer(Observer observer) { observer_ = std::move(observer); }
  // The stream sequence the replica has been handed up to (for tests and health).
  std::uint64_t position() const { return replica_->position(); }

  std::string describe() const override;
  Result<store::Snapshot> load(std::size_t recent_per_room) override;

  void put_identity(store::StoredIdentity identity, store::Done<store::StoredIdentity> done) override;
  void delete_identity(std::uint64_t id, store::Done<bool> done) override;
  void create_room(std::string name, std::int64_t now_ms, store::Done<store::StoredRoom> done) override;
  void delete_room(std::string name, store::Done<bool> done) override;
  void delete_room_epoch(std::string name, std::uint64_t epoch, store::Done<bool> done) override;
  void set_topic(std::string room, std::string topic, std::string by, std::int64_t now_ms,
                 store::Done<store::StoredRoom> done) override;
  void add_member(store::StoredMember member, store::Done<bool> done) override;
  void remove_member(std::uint64_t identity, std::string room, store::Done<bool> done) override;
  void append(store::StoredMessage message, store::Done<store::StoredMessage> done) override;
  void append_direct(store::StoredDirect message, store::Done<store::StoredDirect> done) override;
  void put_file(store::StoredFile file, store::Done<bool> done) override;
  void revoke_file(std::string file_id, std::uint64_t identity, store::Done<bool> done) override;
  void remove_file(std::string file_id, store::Done<bool> done) override;
  void put_upload(store::StoredUpload upload, store::Done<bool> done) override;
  void remove_upload(std::string key, store::Done<bool> done) override;
  void prune(store::Retention policy, std::int64_t now_ms, store::Done<store::Pruned> done) override;

  void rooms(store::Done<std::vector<store::StoredRoom>> done) override;
  void history(std::string room, std::uint64_t before_id, std::size_t limit,
               store::Done<std::vector<store::StoredMessage>> done) override;
  void since(std::string room, std::uint64_t after_id, std::size_t limit,
             store::Done<std::vector<store::StoredMessage>> done) override;
  void directs_since(std::uint64_t identity, std::uint64_t after_id, std::size_t limit,
                     store::Done<std::vector<store::StoredDirect>> done) override;

  void set_room_creator(std::string room, std::uint64_t identity, store::Done<bool> done) override;
  void put_sanction(store::StoredSanction sanction, store::Done<bool> done) override;
  void remove_sanction(store::SanctionKind kind, std::uint64_t identity, std::string room,
                       store::Done<bool> done) override;
  void set_motd(std::string motd, store::Done<bool> done) override;
  void set_topic_lock(std::string room, bool locked, std::string by, store::Done<bool> done) override;
  bool claims_guests() const override { return true; }
  void claim_guest(std::string nickname, std::string node, std::uint64_t session,
                   store::Done<bool> done) override;
  void release_guest(std::string nickname, std::string node, std::uint64_t session,
                     store::Done<bool> done) override;
  void release_node_guests(std::string node, store::Done<bool> done) override;

  void close() override;

 private:
  LogStore(natsConnection* nats, store::Post post, LogOptions options);

  Status start(std::unique_ptr<store::SqliteStore> replica);
  // Loop thread: publishes the write; `done` runs once the replica applied it, or it failed.
  void submit(Write write, store::Done<Outcome> done);
  // Loop thread: a read, once every write submitted before it is answered.
  void read(std::function<void()> issue);
  void applied(std::uint64_t seq, Decoded&& command, Result<Outcome> outcome);
  void fail(std::uint64_t op, const Status& status);
  void release_reads();
  void fail_all(const Status& status);

  // nats.c threads: only hand over and post.
  static void on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self);
  static void on_ack(jsCtx*, natsMsg* msg, jsPubAck* ack, jsPubAckErr* err, void* self);
  static void on_closed(void* self);

  natsConnection* nats_;
  store::Post post_;
  LogOptions options_;
  std::string subject_;
  jsCtx* js_ = nullptr;
  natsSubscription* sub_ = nullptr;
  std::unique_ptr<Replica> replica_;
  // Checked on the loop before a posted callback touches this object.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

  // Loop thread only.
  std::uint64_t next_op_ = 0;
  std::map<std::uint64_t, store::Done<Outcome>> pending_;  // by op
  struct WaitingRead {
    std::uint64_t after_op;  // the last op submitted before it
    std::function<void()> issue;
  };
  std::deque<WaitingRead> reads_;
  Observer observer_;
  std::uint64_t loaded_through_ = 0;  // the observer gets changes after this seq
  bool closed_ = false;

  // Between the consumer's thread and the caller of open(), load() and close().
  std::mutex apply_mutex_;
  std::condition_variable caught_up_;
  bool sub_closed_ = false;
  std::atomic<bool> reported_{false};  // the replica's stop is logged once
};

}  // namespace chatcore::cluster
