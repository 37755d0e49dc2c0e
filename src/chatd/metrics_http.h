// chatd's /metrics endpoint: a small Boost.Beast HTTP/1.1 server on its own thread and
// io_context, so a scrape never runs on, or waits for, the chat loop.
#pragma once

#include <chatcore/status.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <string>
#include <thread>

namespace chatd {

class MetricsHttp {
 public:
  // `render` produces the exposition text; it is called on the HTTP thread.
  explicit MetricsHttp(std::function<std::string()> render);
  ~MetricsHttp();  // stops and joins the thread
  MetricsHttp(const MetricsHttp&) = delete;
  MetricsHttp& operator=(const MetricsHttp&) = delete;

  // Binds HOST:PORT (port 0: any; [::1]:PORT for IPv6) and starts serving.
  chatcore::Status start(const std::string& listen);
  int port() const { return port_; }

 private:
  void accept();

  std::function<std::string()> render_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::thread thread_;
  int port_ = 0;
};

}  // namespace chatd
