#include "transport/cluster_files.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "util/files.h"

namespace chatcore::transport {
namespace {

// Shorter secrets are too easy to guess for something that opens every file of the cluster.
constexpr std::size_t kMinSecret = 16;

Result<std::string> read_secret(const std::filesystem::path& path) {
  if (path.empty()) return std::string();
  auto text = util::read_small_file(path);
  if (!text.ok()) return text.status();
  // An editor's final newline is not part of the secret.
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
  if (text->size() < kMinSecret) {
    return Status(Code::failed_precondition,
                  fmt::format("the cluster secret in {} is shorter than {} bytes", path.string(),
                              kMinSecret));
  }
  return std::move(*text);
}

// A node that serves TLS reaches its peers over TLS too, trusting the CA it trusts its
// clients with (the system's CAs without one) and showing its own certificate, since a
// peer that requires client certificates requires them of the nodes as well.
Result<std::shared_ptr<grpc::ChannelCredentials>> peer_credentials(const Config& config) {
  if (config.tls_cert.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions options;
  if (!config.tls_client_ca.empty()) {
    auto ca = util::read_small_file(config.tls_client_ca);
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = std::move(*ca);
  }
  auto cert = util::read_small_file(config.tls_cert);
  if (!cert.ok()) return cert.status();
  auto key = util::read_small_file(config.tls_key);
  if (!key.ok()) return key.status();
  options.pem_cert_chain = std::move(*cert);
  options.pem_private_key = std::move(*key);
  return grpc::SslCredentials(options);
}

std::array<unsigned char, 32> digest(std::string_view text) {
  std::array<unsigned char, 32> out{};
  EVP_Digest(text.data(), text.size(), out.data(), nullptr, EVP_sha256(), nullptr);
  return out;
}

}  // namespace

Result<std::unique_ptr<ClusterFiles>> ClusterFiles::open(const Config& config,
                                                         cluster::ClusterNode& node) {
  auto secret = read_secret(config.cluster.cluster_secret);
  if (!secret.ok()) return secret.status();
  auto credentials = peer_credentials(config);
  if (!credentials.ok()) return credentials.status();
  return std::unique_ptr<ClusterFiles>(new ClusterFiles(node, config.cluster.node_id,
                                                        std::move(*secret),
                                                        std::move(*credentials)));
}

ClusterFiles::ClusterFiles(cluster::ClusterNode& node, std::string self, std::string secret,
                           std::shared_ptr<grpc::ChannelCredentials> credentials)
    : node_(node),
      self_(std::move(self)),
      secret_(std::move(secret)),
      credentials_(std::move(credentials)) {}

bool ClusterFiles::secret_matches(std::string_view given) const {
  if (secret_.empty()) return false;
  // Digests first: both sides have one length, so the comparison's time says nothing either.
  const auto want = digest(secret_);
  const auto got = digest(given);
  return CRYPTO_memcmp(want.data(), got.data(), want.size()) == 0;
}

cluster::Node::Stub& ClusterFiles::stub(const std::string& address) {
  auto& stub = stubs_[address];
  if (!stub) {
    grpc::ChannelArguments args;
    // A node that was down is fetched from again soon after it is back, not after gRPC's
    // usual backoff of up to two minutes.
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
    // The owning node's chunk size, whatever it is configured to.
    args.SetMaxReceiveMessageSize(-1);
    stub = cluster::Node::NewStub(grpc::CreateCustomChannel(address, credentials_, args));
  }
  return *stub;
}

}  // namespace chatcore::transport
