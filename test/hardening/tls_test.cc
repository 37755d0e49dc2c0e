// TLS with certificates made at test time by the openssl command: server-only TLS, plaintext
// clients refused, and client certificates required by a server with a client CA.
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>

#include "raw.h"

using namespace chatcore;
using namespace chatcore::hardening;

namespace {

// A CA, a server certificate for 127.0.0.1 and localhost, a client certificate, and a
// certificate for the client from a CA the server does not know.
struct Certs {
  test::TempDir dir;
  std::filesystem::path path(const std::string& name) const { return dir.path() / name; }

  void run(const std::string& command) const {
    const auto log = path("openssl.log");
    const std::string line =
        fmt::format("cd '{}' && {} >>'{}' 2>&1", dir.path().string(), command, log.string());
    const int rc = std::system(line.c_str());
    REQUIRE_MESSAGE(rc == 0, "failed: " << command << "\n" << test::read_file(log));
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name)) << text;
  }
  void ca(const std::string& name) const {
    run(fmt::format(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-keyout {0}.key -out {0}.pem -subj /CN={0} "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
        name));
  }
  void leaf(const std::string& name, const std::string& ca, const std::string& ext) const {
    write(name + ".ext", ext);
    run(fmt::format(
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-keyout {0}.key -out {0}.csr -subj /CN={0}",
        name));
    run(fmt::format("openssl x509 -req -in {0}.csr -CA {1}.pem -CAkey {1}.key -CAcreateserial "
                    "-days 2 -out {0}.pem -extfile {0}.ext",
                    name, ca));
  }

  Certs() {
    ca("ca");
    ca("other-ca");
    leaf("server", "ca",
         "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n"
         "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    leaf("client", "ca",
         "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n");
    leaf("stranger", "other-ca",
         "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n");
  }
};

struct Login {
  std::unique_ptr<test::EventLog> log = std::make_unique<test::EventLog>();
  std::unique_ptr<Client> client;
  Status status;  // why open or login failed
  bool ok() const { return client != nullptr; }
};

Login connect(const std::string& address, const std::string& nick, ClientOptions options) {
  Login out;
  options.connect_timeout = std::chrono::milliseconds(3000);
  auto client = Client::open(address, std::move(options));
  if (!client.ok()) {
    out.status = client.status();
    return out;
  }
  auto* log = out.log.get();
  auto welcome = (*client)->login(
      nick, [log](const Event& e) { log->push(e); }, [log](const Status& s) { log->closed(s); });
  if (!welcome.ok()) {
    out.status = welcome.status();
    return out;
  }
  out.client = std::move(*client);
  out.log->next_of<Welcome>();
  return out;
}

ClientOptions tls(const Certs& certs, const std::string& cert = {}) {
  ClientOptions o;
  o.tls = true;
  o.ca_file = certs.path("ca.pem");
  if (!cert.empty()) {
    o.cert_file = certs.path(cert + ".pem");
    o.key_file = certs.path(cert + ".key");
  }
  return o;
}

// alice and bob exchange a room message over their (TLS) connections.
void chat(Login& alice, Login& bob) {
  REQUIRE(alice.client->create_room("secure").ok());
  REQUIRE(bob.client->join_room("secure").ok());
  REQUIRE(alice.client->send("secure", "over tls").ok());
  CHECK(bob.log->wait_for<RoomMessage>().text == "over tls");
  CHECK(alice.log->wait_for<RoomMessage>().text == "over tls");
}

}  // namespace

TEST_SUITE("tls") {

TEST_CASE("a TLS server: TLS clients chat, plaintext and untrusting clients cannot connect") {
  Certs certs;
  TestServer server([&](Config& c) {
    c.tls_cert = certs.path("server.pem");
    c.tls_key = certs.path("server.key");
  });
  const int port = server.server().port();
  auto alice = connect(fmt::format("localhost:{}", port), "alice", tls(certs));
  REQUIRE_MESSAGE(alice.ok(), alice.status.to_string());
  auto bob = connect(fmt::format("127.0.0.1:{}", port), "bob", tls(certs));  // SAN IP
  REQUIRE_MESSAGE(bob.ok(), bob.status.to_string());
  chat(alice, bob);

  auto plain = connect(fmt::format("127.0.0.1:{}", port), "plain", {});
  CHECK(!plain.ok());
  CHECK_MESSAGE(plain.status.code == Code::unavailable, plain.status.to_string());
  {
    auto channel = raw_channel(fmt::format("127.0.0.1:{}", port));
    auto stub = v1::Chat::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    v1::ListRoomsRequest request;
    v1::ListRoomsResponse response;
    const auto status = stub->ListRooms(&ctx, request, &response);
    CHECK_MESSAGE(status.error_code() == grpc::StatusCode::UNAVAILABLE, status_text(status));
  }

  // The system's CAs do not vouch for the test CA.
  ClientOptions system_cas;
  system_cas.tls = true;
  auto untrusting = connect(fmt::format("localhost:{}", port), "untrusting", system_cas);
  CHECK(!untrusting.ok());

  auto users = alice.client->list_users();
  REQUIRE(users.ok());
  CHECK(users->size() == 2);
}

TEST_CASE("a server with a client CA requires a client certificate signed by it") {
  Certs certs;
  TestServer server([&](Config& c) {
    c.tls_cert = certs.path("server.pem");
    c.tls_key = certs.path("server.key");
    c.tls_client_ca = certs.path("ca.pem");
  });
  const std::string address = fmt::format("localhost:{}", server.server().port());

  auto anonymous = connect(address, "anonymous", tls(certs));
  CHECK_MESSAGE(!anonymous.ok(), "a client without a certificate logged in");
  auto stranger = connect(address, "stranger", tls(certs, "stranger"));
  CHECK_MESSAGE(!stranger.ok(), "a client with a certificate from another CA logged in");

  auto alice = connect(address, "alice", tls(certs, "client"));
  REQUIRE_MESSAGE(alice.ok(), alice.status.to_string());
  auto bob = connect(address, "bob", tls(certs, "client"));
  REQUIRE_MESSAGE(bob.ok(), bob.status.to_string());
  chat(alice, bob);
  auto users = alice.client->list_users();
  REQUIRE(users.ok());
  CHECK(users->size() == 2);
}

}  // TEST_SUITE
