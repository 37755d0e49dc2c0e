#include "log_node.h"

#include <doctest/doctest.h>

namespace chatcore::cluster::test {

LogNode::LogNode(std::string name, const std::filesystem::path& db, const std::string& url,
                 store::test::FakeLoop& loop)
    : loop_(loop) {
  natsOptions* opts = nullptr;
  REQUIRE(natsOptions_Create(&opts) == NATS_OK);
  natsOptions_SetURL(opts, url.c_str());
  natsOptions_SetMaxReconnect(opts, -1);
  natsOptions_SetReconnectWait(opts, 50);
  natsOptions_SetDisconnectedCB(opts, &LogNode::on_disconnected, this);
  natsOptions_SetReconnectedCB(opts, &LogNode::on_reconnected, this);
  natsOptions_SetClosedCB(opts, &LogNode::on_closed, this);
  const natsStatus s = natsConnection_Connect(&nc_, opts);
  natsOptions_Destroy(opts);
  REQUIRE_MESSAGE(s == NATS_OK, natsStatus_GetText(s));
  connected_ = true;
  auto replica = store::SqliteStore::open({.path = db}, loop.post());
  REQUIRE_MESSAGE(replica.ok(), replica.status().to_string());
  auto opened = LogStore::open(nc_, std::move(*replica), loop.post(), {.node = std::move(name)});
  REQUIRE_MESSAGE(opened.ok(), opened.status().to_string());
  store_ = std::move(*opened);
  store_->set_observer([this](LogChange c) {
    changes_.push_back(std::move(c));
    if (changes_.size() >= want_) reached_ = true;
  });
}

LogNode::~LogNode() { stop(); }

void LogNode::stop() {
  store_.reset();
  if (nc_ != nullptr) {
    // The closed callback is the connection's last one: after it none can reach this node.
    natsConnection_Close(nc_);
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(10), [this] { return closed_; });
    }
    natsConnection_Destroy(nc_);
    nc_ = nullptr;
  }
}

const std::vector<LogChange>& LogNode::wait_changes(std::size_t n) {
  want_ = n;
  if (changes_.size() < n) {
    reached_.reset();
    loop_.await(reached_);
  }
  return changes_;
}

void LogNode::wait_connected(bool connected) {
  std::unique_lock lock(mu_);
  REQUIRE(cv_.wait_for(lock, std::chrono::seconds(20), [&] { return connected_ == connected; }));
}

void LogNode::on_disconnected(natsConnection*, void* self) {
  auto* me = static_cast<LogNode*>(self);
  const std::lock_guard lock(me->mu_);
  me->connected_ = false;
  me->cv_.notify_all();
}

void LogNode::on_reconnected(natsConnection*, void* self) {
  auto* me = static_cast<LogNode*>(self);
  const std::lock_guard lock(me->mu_);
  me->connected_ = true;
  me->cv_.notify_all();
}

void LogNode::on_closed(natsConnection*, void* self) {
  auto* me = static_cast<LogNode*>(self);
  const std::lock_guard lock(me->mu_);
  me->closed_ = true;
  me->cv_.notify_all();
}

}  // namespace chatcore::cluster::test
