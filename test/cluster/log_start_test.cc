// A node whose database no longer fits the log refuses to start, with a reason an operator
// can act on, instead of serving a replica that silently misses commands; a write the log
// did not take is refused, not applied.
#include <doctest/doctest.h>
#include <nats/nats.h>

#include "nats_cluster.h"
#include "log_node.h"

namespace chatcore::cluster::test {

namespace {
using chatcore::cluster_test::NatsCluster;
using namespace chatcore::store;
using namespace chatcore::store::test;

// Opens a LogStore for node `name` on `db` and closes it again; what open() said.
Status try_open(const std::string& name, const std::filesystem::path& db, const std::string& url,
                FakeLoop& loop) {
  natsConnection* nc = nullptr;
  REQUIRE(natsConnection_ConnectTo(&nc, url.c_str()) == NATS_OK);
  auto replica = SqliteStore::open({.path = db}, loop.post());
  REQUIRE(replica.ok());
  Status status;
  {
    auto opened = LogStore::open(nc, std::move(*replica), loop.post(), {.node = name});
    if (!opened.ok()) status = opened.status();
  }
  natsConnection_Destroy(nc);
  return status;
}

// Runs one JetStream administration call on the log stream through a connection of its own.
template <class Call>
void on_stream(const std::string& url, Call call) {
  natsConnection* nc = nullptr;
  REQUIRE(natsConnection_ConnectTo(&nc, url.c_str()) == NATS_OK);
  jsCtx* js = nullptr;
  REQUIRE(natsConnection_JetStream(&js, nc, nullptr) == NATS_OK);
  CHECK(call(js) == NATS_OK);
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
}

void append_some(LogNode& node, FakeLoop& loop, int n) {
  std::optional<Result<StoredRoom>> room;
  node.store().create_room("go", 1, [&](auto r) { room = std::move(r); });
  REQUIRE(loop.await(room).ok());
  for (int i = 0; i < n; ++i) {
    REQUIRE(sync<StoredMessage>(loop, [&](auto done) {
              node.store().append({.room = "go", .from = "ann", .text = "x"}, done);
            }).ok());
  }
}
}  // namespace

TEST_CASE("a node that was away longer than the log keeps commands refuses to start") {
  TempDir dir;
  NatsCluster nats(1);
  FakeLoop loop;
  auto a = std::make_unique<LogNode>("a", dir.path() / "a.db", nats.url(0), loop);
  {
    LogNode b("b", dir.path() / "b.db", nats.url(0), loop);  // at 0 from here on
  }
  append_some(*a, loop, 3);
  // Limits discard the oldest commands; a purge does the same at once.
  on_stream(nats.url(0), [](jsCtx* js) { return js_PurgeStream(js, "CHATCORE_LOG", nullptr, nullptr); });
  const auto refused = try_open("b", dir.path() / "b.db", nats.url(0), loop);
  CHECK(refused.code == Code::failed_precondition);
  CHECK_MESSAGE(refused.message.find("no longer holds commands 1 to 4") != std::string::npos,
                refused.message);
  // A node that had applied everything before the purge goes on.
  a.reset();
  CHECK(try_open("a", dir.path() / "a.db", nats.url(0), loop).ok());
}

TEST_CASE("a database ahead of the log (another cluster's, or the stream deleted) is refused") {
  TempDir dir;
  NatsCluster nats(1);
  FakeLoop loop;
  {
    LogNode a("a", dir.path() / "a.db", nats.url(0), loop);
    append_some(a, loop, 2);
  }
  on_stream(nats.url(0), [](jsCtx* js) { return js_DeleteStream(js, "CHATCORE_LOG", nullptr, nullptr); });
  const auto refused = try_open("a", dir.path() / "a.db", nats.url(0), loop);
  CHECK(refused.code == Code::failed_precondition);
  CHECK_MESSAGE(refused.message.find("belongs to another cluster") != std::string::npos,
                refused.message);
}

TEST_CASE("a write JetStream does not store fails with UNAVAILABLE and is not applied") {
  TempDir dir;
  NatsCluster nats(1);
  FakeLoop loop;
  LogNode a("a", dir.path() / "a.db", nats.url(0), loop);
  append_some(a, loop, 1);
  const auto before = a.store().position();
  // Connected, but nothing stores the node's subject any more: the publish gets no ack.
  on_stream(nats.url(0), [](jsCtx* js) { return js_DeleteStream(js, "CHATCORE_LOG", nullptr, nullptr); });
  auto r = sync<StoredMessage>(loop, [&](auto done) {
    a.store().append({.room = "go", .from = "ann", .text = "nowhere"}, done);
  });
  CHECK(r.status().code == Code::unavailable);
  CHECK_MESSAGE(r.status().message.find("did not acknowledge") != std::string::npos,
                r.status().to_string());
  CHECK(a.store().position() == before);
  auto h = sync<std::vector<StoredMessage>>(
      loop, [&](auto done) { a.store().history("go", 0, 10, done); });
  REQUIRE(h.ok());
  CHECK(h->size() == 1);
}

}  // namespace chatcore::cluster::test
