// chatd: the stock chat server. Flags (or a --config file) map onto chatcore::Config;
// SIGINT/SIGTERM (a Boost.Asio signal_set) shut it down cleanly, telling every client first.
#include <chatcore/server.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <iostream>

#include "cluster_flags.h"
#include "flags.h"
#include "hardening_flags.h"
#include "metrics_http.h"
#include "service_manager.h"
#include "util/log.h"

namespace {

int run(const chatd::Settings& settings, const chatd::ClusterFlags& cluster) {
  // The signal_set turns SIGINT/SIGTERM into a handler on this thread, whichever thread the
  // kernel picked to deliver them.
  boost::asio::io_context io;
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);

  chatcore::Server server(settings.config);
  if (auto status = server.start(); !status.ok()) {
    chatcore::log::error("chatd: {}", status.message);
    return 1;
  }
  // Declared after the server, so it stops before the server it reads from goes away.
  chatd::MetricsHttp metrics([&server] { return server.metrics_text(); });
  if (!settings.metrics_listen.empty()) {
    if (auto status = metrics.start(settings.metrics_listen); !status.ok()) {
      chatcore::log::error("chatd: {}", status.message);
      return 1;
    }
    chatcore::log::info("metrics on http://{}:{}/metrics",
                        settings.metrics_listen.substr(0, settings.metrics_listen.rfind(':')),
                        metrics.port());
  }
  // A node answers health checks with NOT_SERVING until it reaches NATS and whenever it
  // loses it. nats.c calls back on its threads; the change is made on this one.
  std::unique_ptr<chatcore::cluster::NatsLink> nats;
  if (!cluster.cluster.empty()) {
    server.set_serving(false);
    auto link = chatcore::cluster::NatsLink::start(
        chatd::nats_link_options(cluster),
        [&io](std::function<void()> fn) { boost::asio::post(io, std::move(fn)); },
        [&server, &cluster, ever = false](bool connected) mutable {
          server.set_serving(connected);
          if (connected) {
            chatcore::log::info("node {}: {} to NATS; serving", cluster.node_id,
                                ever ? "reconnected" : "connected");
            ever = true;
          } else {
            chatcore::log::warn("node {}: lost NATS; not serving until it is back",
                                cluster.node_id);
          }
        });
    if (!link.ok()) {
      chatcore::log::error("chatd: {}", link.status().message);
      return 1;
    }
    nats = std::move(*link);
    chatcore::log::info("node {}: connecting to NATS at {}", cluster.node_id, cluster.cluster);
  }
  chatd::notify_ready("serving on port " + std::to_string(server.port()));
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    chatcore::log::info("received {}", signal == SIGINT ? "SIGINT" : "SIGTERM");
    chatd::notify_stopping();
    server.shutdown("the server is shutting down");
  });
  io.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  chatd::Settings settings;
  CLI::App app{"chatd - the chatcore chat server"};
  chatd::add_network_flags(app, settings);
  chatd::add_storage_flags(app, settings);
  chatd::add_limit_flags(app, settings);
  chatd::add_service_flags(app, settings);
  chatd::add_moderation_flags(app, settings);
  chatd::HardeningFlags hardening;
  chatd::add_hardening_flags(app, settings.config, hardening);
  chatd::ClusterFlags cluster;
  chatd::add_cluster_flags(app, cluster);
  CLI11_PARSE(app, argc, argv);
  if (const auto bad = chatd::check_cluster_flags(cluster); !bad.empty()) {
    std::cerr << "chatd: " << bad << "\n";
    return 2;
  }

  if (settings.print_config) {
    std::cout << app.config_to_str(true, false);
    return 0;
  }
  chatcore::log::Level level{};
  chatcore::log::parse_level(settings.log_level, level);
  chatcore::log::set_level(level);
  // Before anything is logged: under systemd every line needs its priority prefix.
  chatcore::log::set_journal(chatd::stderr_is_journal());
  chatd::apply_hardening_flags(hardening, settings.config);
  return run(settings, cluster);
}
