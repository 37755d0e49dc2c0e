// chatcore::Server: a ChatService on its own grpc::Server and loop thread.
#include <chatcore/server.h>
#include <chatcore/service.h>

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "transport/acceptor.h"
#include "util/files.h"
#include "util/log.h"

namespace chatcore {

namespace {
Result<std::shared_ptr<grpc::ServerCredentials>> credentials(const Config& config) {
  if (config.tls_cert.empty() && config.tls_key.empty()) {
    if (!config.tls_client_ca.empty()) {
      return Status(Code::invalid_argument, "a client CA needs a server certificate and key");
    }
    return grpc::InsecureServerCredentials();
  }
  if (config.tls_cert.empty() || config.tls_key.empty()) {
    return Status(Code::invalid_argument, "TLS needs both a certificate and a key");
  }
  auto cert = util::read_small_file(config.tls_cert);
  if (!cert.ok()) return cert.status();
  auto key = util::read_small_file(config.tls_key);
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  options.pem_key_cert_pairs.push_back({*key, *cert});
  if (!config.tls_client_ca.empty()) {
    auto ca = util::read_small_file(config.tls_client_ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(options);
}
}  // namespace

struct Server::Impl {
  explicit Impl(Config c) : config(std::move(c)), service(config) {}

  Config config;
  ChatService service;
  std::unique_ptr<grpc::Server> server;
  transport::Acceptor acceptor;  // plaintext only: gRPC cannot take over a TLS connection
  std::thread loop;
  int port = 0;

  std::mutex mutex;
  std::condition_variable stopped_cv;
  bool started = false;
  bool stopping = false;
  bool stopped = false;
};

Server::Server(Config config) : impl_(std::make_unique<Impl>(std::move(config))) {}

Server::~Server() { shutdown(); }

Status Server::start() {
  auto& d = *impl_;
  const std::lock_guard lock(d.mutex);
  if (d.started) return Status(Code::failed_precondition, "the server was started already");
  auto creds = credentials(d.config);
  if (!creds.ok()) return creds.status();
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, which lets a second chatd "listen" on a busy port;
  // only an explicit reuse_port (several nodes behind one address) allows that.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, d.config.reuse_port ? 1 : 0);
  const bool own_listener = d.config.tls_cert.empty();
  if (own_listener) {
    if (auto status = d.acceptor.bind(d.config.listen, d.config.reuse_port); !status.ok()) return status;
    d.port = d.acceptor.port();
  } else {
    builder.AddListeningPort(d.config.listen, *creds, &d.port);
  }
  if (auto status = d.service.attach(builder); !status.ok()) return status;
  if (own_listener) {
    if (auto status = d.acceptor.listen(); !status.ok()) return status;
  }
  d.server = builder.BuildAndStart();
  if (own_listener && d.server) d.acceptor.start(*d.server);
  if (!d.server || d.port == 0) {
    d.server.reset();
    return Status(Code::unavailable,
                  fmt::format("cannot listen on {} (address in use or invalid?)", d.config.listen));
  }
  d.started = true;
  d.service.started(*d.server, d.port);
  d.loop = std::thread([&d] { d.service.run(); });
  const auto host = d.config.listen.substr(0, d.config.listen.rfind(':'));
  log::info("listening on {}:{} ({}; files in {}, limit {} bytes)", host, d.port,
            d.config.tls_cert.empty() ? "plaintext" : "TLS", files_dir(d.config).string(),
            d.config.limits.max_file_size);
  return {};
}

int Server::port() const { return impl_->port; }

std::string Server::metrics_text() const { return impl_->service.metrics_text(); }

void Server::shutdown(const std::string& reason) {
  auto& d = *impl_;
  {
    std::unique_lock lock(d.mutex);
    if (!d.started || d.stopped) return;
    if (d.stopping) {
      d.stopped_cv.wait(lock, [&] { return d.stopped; });
      return;
    }
    d.stopping = true;
  }
  d.acceptor.stop();
  d.service.shutdown(*d.server, reason);
  d.loop.join();
  d.server.reset();
  log::info("server stopped");
  {
    const std::lock_guard lock(d.mutex);
    d.stopped = true;
  }
  d.stopped_cv.notify_all();
}

void Server::wait() {
  auto& d = *impl_;
  std::unique_lock lock(d.mutex);
  d.stopped_cv.wait(lock, [&] { return d.stopped || !d.started; });
}

}  // namespace chatcore
