#include "metrics_http.h"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <memory>

namespace chatd {
namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// One connection: read a request (within a deadline, so an idle client cannot hold a socket
// forever), answer it, close. Prometheus opens a new connection per scrape anyway.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(tcp::socket socket, const std::function<std::string()>& render)
      : stream_(std::move(socket)), render_(render) {}

  void run() {
    stream_.expires_after(std::chrono::seconds(10));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->respond();
                     });
  }

 private:
  void respond() {
    response_.version(request_.version());
    response_.keep_alive(false);
    response_.set(http::field::server, "chatd");
    if (request_.method() != http::verb::get && request_.method() != http::verb::head) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "GET, HEAD");
    } else if (request_.target() != "/metrics") {
      response_.result(http::status::not_found);
      response_.body() = "only /metrics is served here\n";
    } else {
      response_.result(http::status::ok);
      response_.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      if (request_.method() == http::verb::get) response_.body() = render_();
    }
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code, std::size_t) {
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                      });
  }

  beast::tcp_stream stream_;
  const std::function<std::string()>& render_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response<http::string_body> response_;
};

}  // namespace

MetricsHttp::MetricsHttp(std::function<std::string()> render) : render_(std::move(render)) {}

MetricsHttp::~MetricsHttp() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

chatcore::Status MetricsHttp::start(const std::string& listen) {
  const auto colon = listen.rfind(':');
  std::string host = listen.substr(0, colon == std::string::npos ? 0 : colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  beast::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  unsigned long port = 0;
  try {
    port = colon == std::string::npos ? 65536 : std::stoul(listen.substr(colon + 1));
  } catch (const std::exception&) {
    port = 65536;
  }
  if (ec || port > 65535) {
    return {chatcore::Code::invalid_argument,
            "--metrics-listen wants HOST:PORT with a numeric address, e.g. 127.0.0.1:9464"};
  }
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
  if (acceptor_.open(endpoint.protocol(), ec); !ec) {
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (acceptor_.bind(endpoint, ec); !ec) acceptor_.listen(64, ec);
  }
  if (ec) {
    return {chatcore::Code::unavailable,
            "cannot serve metrics on " + listen + ": " + ec.message()};
  }
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { io_.run(); });
  return {};
}

void MetricsHttp::accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (!ec) std::make_shared<Exchange>(std::move(socket), render_)->run();
    if (ec != boost::asio::error::operation_aborted) accept();
  });
}

}  // namespace chatd
