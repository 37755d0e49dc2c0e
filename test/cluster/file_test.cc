// A file stays on the disk of the node that received it and downloads through any node: the
// serving node checks the rights in its replica of the registry and streams the bytes from
// the owning node's FetchFile, authenticated by the cluster secret.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <fstream>

#include "nats_cluster.h"
#include "node.grpc.pb.h"
#include "node_user.h"

using namespace chatcore;
using chatcore::cluster_test::NatsCluster;
using chatcore::cluster::test::NodeUser;
using chatcore::cluster::test::start_node;
using chatcore::test::TempDir;
using chatcore::test::TestServer;

namespace {

constexpr std::size_t kBig = 5 * 1024 * 1024 + 123;  // 81 chunks of the default 64 KiB

std::filesystem::path write_secret(const TempDir& dir, const std::string& name,
                                   const std::string& secret) {
  const auto path = dir.path() / name;
  std::ofstream(path) << secret << "\n";
  return path;
}

// The node applies the log as it comes: asks until it lists the file (or the wait runs out).
void wait_listed(NodeUser& user, const std::string& file_id) {
  const auto until = std::chrono::steady_clock::now() + chatcore::test::kWait;
  for (;;) {
    auto files = user->list_files();
    REQUIRE_MESSAGE(files.ok(), files.status().to_string());
    for (const auto& f : *files) {
      if (f.id == file_id) return;
    }
    REQUIRE_MESSAGE(std::chrono::steady_clock::now() < until, "file " << file_id << " never listed");
  }
}

// A FetchFile call straight to a node, as another node would make it.
grpc::Status fetch_directly(const TestServer& node, const std::string& file_id,
                            const std::string* secret, std::string* got) {
  auto stub = cluster::Node::NewStub(
      grpc::CreateChannel(node.address(), grpc::InsecureChannelCredentials()));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + chatcore::test::kWait);
  if (secret != nullptr) ctx.AddMetadata("chatcore-cluster-secret", *secret);
  cluster::FetchFileRequest request;
  request.set_file_id(file_id);
  auto reader = stub->FetchFile(&ctx, request);
  cluster::FetchFileResponse response;
  while (reader->Read(&response)) got->append(response.chunk());
  return reader->Finish();
}

struct FileNodes {
  NatsCluster nats{1};
  TempDir keys;
  std::string secret = "correct horse battery staple";
  std::filesystem::path secret_file = write_secret(keys, "secret", secret);
  std::unique_ptr<TestServer> a = start_node(nats.url(0), "node-a", secret_file);
  std::unique_ptr<TestServer> b = start_node(nats.url(0), "node-b", secret_file);
  TempDir home;
  TempDir work;
};

}  // namespace

TEST_SUITE("files") {

TEST_CASE("a file stored on one node downloads through another, whole and resumed") {
  FileNodes t;
  const std::string bytes = chatcore::test::write_random_file(t.work.path() / "big.bin", kBig);
  const std::string note = chatcore::test::write_random_file(t.work.path() / "note.txt", 3000);
  FileInfo to_room;
  FileInfo to_bob;
  {
    // Bob gets both files while on node A: a room's file and a DM's.
    NodeUser alice(*t.a, t.home, "alice");
    NodeUser bob(*t.a, t.home, "bob");
    REQUIRE(alice->create_room("hall").ok());
    REQUIRE(bob->join_room("hall").ok());
    auto up = alice->upload(t.work.path() / "big.bin", {.room = "hall", .recipient = {}});
    REQUIRE_MESSAGE(up.ok(), up.status().to_string());
    to_room = *up;
    up = alice->upload(t.work.path() / "note.txt", {.room = {}, .recipient = "bob"});
    REQUIRE_MESSAGE(up.ok(), up.status().to_string());
    to_bob = *up;
  }
  // Then he is served by node B, which lists the files but does not hold their bytes.
  NodeUser bob(*t.b, t.home, "bob");
  wait_listed(bob, to_room.id);
  wait_listed(bob, to_bob.id);
  CHECK(t.b->stored_files().empty());

  auto got = bob->download(to_room.id, t.work.path() / "big.copy");
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(got->sha256 == chatcore::test::sha256_hex(bytes));
  CHECK(chatcore::test::read_file(t.work.path() / "big.copy") == bytes);

  got = bob->download(to_bob.id, t.work.path() / "note.copy");
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(chatcore::test::read_file(t.work.path() / "note.copy") == note);

  // A download cut off earlier goes on from the bytes its part holds, through B as well.
  const auto dest = t.work.path() / "resumed.bin";
  const std::size_t held = 2 * 1024 * 1024 + 7;
  std::ofstream(t.work.path() / (".resumed.bin." + to_room.id + ".part"), std::ios::binary)
      << bytes.substr(0, held);
  got = bob->download_resumable(to_room.id, dest);
  REQUIRE_MESSAGE(got.ok(), got.status().to_string());
  CHECK(chatcore::test::read_file(dest) == bytes);
  CHECK(t.b->stored_files().empty());

  // With the owning node stopped, the download says so.
  t.a.reset();
  got = bob->download(to_room.id, t.work.path() / "offline.bin");
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code == Code::unavailable);
  CHECK(got.status().message == "the node that stores this file is offline");
}

TEST_CASE("through another node, a file is refused to whom it was not sent") {
  FileNodes t;
  chatcore::test::write_random_file(t.work.path() / "a.bin", 1000);
  NodeUser alice(*t.a, t.home, "alice");
  auto up = alice->upload(t.work.path() / "a.bin", {.room = {}, .recipient = "alice"});
  REQUIRE_MESSAGE(up.ok(), up.status().to_string());
  NodeUser carol(*t.b, t.home, "carol");
  NodeUser alice_b(*t.b, t.home, "alice");
  wait_listed(alice_b, up->id);
  auto got = carol->download(up->id, t.work.path() / "stolen.bin");
  REQUIRE_FALSE(got.ok());
  CHECK(got.status().code == Code::permission_denied);
  CHECK(!std::filesystem::exists(t.work.path() / "stolen.bin"));
}

TEST_CASE("a node fetches only with the cluster secret") {
  FileNodes t;
  const std::string bytes = chatcore::test::write_random_file(t.work.path() / "a.bin", 1000);
  NodeUser alice(*t.a, t.home, "alice");
  auto up = alice->upload(t.work.path() / "a.bin", {.room = {}, .recipient = "alice"});
  REQUIRE_MESSAGE(up.ok(), up.status().to_string());

  std::string got;
  CHECK(fetch_directly(*t.a, up->id, &t.secret, &got).ok());
  CHECK(got == bytes);
  got.clear();
  const std::string wrong = "correct horse battery stapler";
  CHECK(fetch_directly(*t.a, up->id, &wrong, &got).error_code() ==
        grpc::StatusCode::PERMISSION_DENIED);
  CHECK(fetch_directly(*t.a, up->id, nullptr, &got).error_code() ==
        grpc::StatusCode::UNAUTHENTICATED);
  CHECK(got.empty());

  // A node given another secret is refused, and its user told so.
  TempDir other_keys;
  auto c = start_node(t.nats.url(0), "node-c", write_secret(other_keys, "secret", wrong));
  NodeUser alice_c(*c, t.home, "alice");
  wait_listed(alice_c, up->id);
  auto downloaded = alice_c->download(up->id, t.work.path() / "c.bin");
  REQUIRE_FALSE(downloaded.ok());
  CHECK(downloaded.status().code == Code::unavailable);
  CHECK(downloaded.status().message.find("refused") != std::string::npos);
}

}  // TEST_SUITE
