// The harness itself against real servers: a 3-server JetStream cluster keeps a leader and
// every acknowledged message when one server is killed, and a killed server comes back.
#include <doctest/doctest.h>

#include <nats/nats.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "nats_cluster.h"

namespace chatcore::cluster_test {
namespace {

struct NatsClient {
  natsConnection* nc = nullptr;
  jsCtx* js = nullptr;
  ~NatsClient() {
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
  }
};

void connect(NatsClient& client, const NatsCluster& cluster) {
  natsOptions* opts = nullptr;
  REQUIRE(natsOptions_Create(&opts) == NATS_OK);
  std::vector<std::string> urls;
  for (int i = 0; i < cluster.size(); ++i) urls.push_back(cluster.url(i));
  std::vector<const char*> servers;
  for (const auto& u : urls) servers.push_back(u.c_str());
  natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  natsOptions_SetMaxReconnect(opts, -1);
  natsOptions_SetReconnectWait(opts, 100);
  const auto s = natsConnection_Connect(&client.nc, opts);
  natsOptions_Destroy(opts);
  REQUIRE_MESSAGE(s == NATS_OK, natsStatus_GetText(s));
  REQUIRE(natsConnection_JetStream(&client.js, client.nc, nullptr) == NATS_OK);
}

void add_stream(NatsClient& client, int replicas) {
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  const char* subjects[] = {"test.>"};
  config.Name = "TEST";
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.Replicas = replicas;
  jsStreamInfo* info = nullptr;
  jsErrCode err{};
  const auto s = js_AddStream(&info, client.js, &config, nullptr, &err);
  jsStreamInfo_Destroy(info);
  REQUIRE_MESSAGE(s == NATS_OK, natsStatus_GetText(s) << " (JetStream error " << err << ")");
}

// Publishes until JetStream acknowledges: while a stream elects a new leader a publish may
// time out, and the message id makes a retry of an already stored one harmless.
std::uint64_t publish(NatsClient& client, const std::string& subject, const std::string& data) {
  jsPubOptions options;
  jsPubOptions_Init(&options);
  options.MsgId = data.c_str();
  options.MaxWait = 2000;
  // A publish may also fail at once (no responders while the stream has no leader), so the
  // retries are bounded by time, not by count.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    jsPubAck* ack = nullptr;
    jsErrCode err{};
    if (js_Publish(&ack, client.js, subject.c_str(), data.data(), static_cast<int>(data.size()),
                   &options, &err) == NATS_OK) {
      const auto seq = ack->Sequence;
      jsPubAck_Destroy(ack);
      return seq;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a retry interval
  }
  FAIL("JetStream never acknowledged '" << data << "'");
  return 0;
}

std::string read_back(NatsClient& client, std::uint64_t seq) {
  natsMsg* msg = nullptr;
  jsErrCode err{};
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < give_up) {
    if (js_GetMsg(&msg, client.js, "TEST", seq, nullptr, &err) == NATS_OK) {
      std::string data(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
      natsMsg_Destroy(msg);
      return data;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a retry interval
  }
  return {};
}

}  // namespace

TEST_SUITE_BEGIN("nats");

TEST_CASE("three NATS servers elect a JetStream leader, and keep one when a server dies") {
  NatsCluster cluster(3);
  REQUIRE(cluster.size() == 3);
  const auto leader = cluster.wait_for_leader();
  REQUIRE_FALSE(leader.empty());

  NatsClient client;
  connect(client, cluster);
  add_stream(client, 3);
  const auto first = publish(client, "test.a", "before the kill");

  // Kill the metadata leader itself: the harder case.
  int victim = 0;
  for (int i = 0; i < cluster.size(); ++i) {
    if (cluster.name(i) == leader) victim = i;
  }
  cluster.kill(victim);
  CHECK_FALSE(cluster.running(victim));
  const auto next = cluster.wait_for_leader();
  REQUIRE_FALSE(next.empty());
  CHECK(next != leader);

  const auto second = publish(client, "test.a", "after the kill");
  CHECK(second == first + 1);
  CHECK(read_back(client, first) == "before the kill");
  CHECK(read_back(client, second) == "after the kill");

  cluster.restart(victim);
  CHECK(cluster.running(victim));
  CHECK_FALSE(cluster.wait_for_leader().empty());
}

TEST_CASE("one NATS server with JetStream, stopped and started again on its data") {
  NatsCluster single(1);
  REQUIRE(single.size() == 1);
  REQUIRE_FALSE(single.wait_for_leader().empty());
  {
    NatsClient client;
    connect(client, single);
    add_stream(client, 1);
    CHECK(publish(client, "test.b", "kept on disk") == 1);
  }
  single.stop(0);
  CHECK_FALSE(single.running(0));
  CHECK(single.monitor(0, "/healthz").empty());
  single.restart(0);
  NatsClient client;
  connect(client, single);
  CHECK(read_back(client, 1) == "kept on disk");
}

TEST_SUITE_END();

}  // namespace chatcore::cluster_test
