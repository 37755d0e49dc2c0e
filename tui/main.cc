// chat: the terminal client. Parses the command line, sets up the locale, the event loop and
// the terminal, runs the app, and prints why it ended once the terminal is restored.
#include "app.h"
#include "curses/terminal.h"
#include "settings_file.h"
#include "ssh_identity.h"

#include <CLI/CLI.hpp>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App cli{"chat: the chatcore terminal client"};
  chat::AppOptions options;
  auto* server_opt = cli.add_option("--server", options.server, "HOST:PORT of the chat server, or several joined by commas, tried in turn (asked when missing)");
  auto* nick_opt = cli.add_option("--nick", options.nick, "nickname (asked when missing or taken)");
  std::string config;
  auto* config_opt = cli.add_option(
      "--config", config,
      "settings file (default $XDG_CONFIG_HOME/chatcore/chat.conf or ~/.config/chatcore/chat.conf)");
  // on|off; given, they override chat.conf for this run (the file keeps its own values)
  auto* timestamps_opt = cli.add_option("--timestamps", options.timestamps, "HH:MM before each line: on|off");
  auto* nicklist_opt = cli.add_option("--nicklist", options.nicklist, "the nick list: on|off");
  auto* colours_opt = cli.add_option("--colours", options.colours, "colours: on|off");
  std::string ca, cert, key;
  cli.add_flag("--tls", options.client.tls, "connect with TLS (trusting the system's CAs)");
  cli.add_option("--ca", ca, "PEM CA to trust instead (implies --tls)")->check(CLI::ExistingFile);
  cli.add_option("--cert", cert, "PEM client certificate, for servers that require one")
      ->check(CLI::ExistingFile);
  cli.add_option("--key", key, "PEM private key of --cert")->check(CLI::ExistingFile);
  std::string identity;
  bool guest = false;
  auto* identity_opt = cli.add_option(
      "--identity", identity,
      "file with the secret that owns your nickname (default ~/.config/chatcore/identity, or "
      "one per ssh key when sshd exposes the key in $SSH_USER_AUTH)");
  cli.add_flag("--guest", guest, "connect without an identity: nickname and rooms last for this session only")
      ->excludes(identity_opt);
  cli.set_version_flag("--version", std::string("chat ") + CHATCORE_VERSION);
  CLI11_PARSE(cli, argc, argv);
  options.settings_path = config_opt->count() > 0
                              ? std::filesystem::path(config)
                              : chat::settings_path(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
  // A file that cannot be read stops here: running on would let /set overwrite it.
  if (const std::string error = chat::read_settings(options.settings_path, options.saved); !error.empty()) {
    std::cerr << "chat: " << error << std::endl;
    return 2;
  }
  if (server_opt->count() == 0) options.server = options.saved.server;
  if (nick_opt->count() == 0) options.nick = options.saved.nick;
  if (timestamps_opt->count() == 0) options.timestamps = options.saved.timestamps;
  if (nicklist_opt->count() == 0) options.nicklist = options.saved.nicklist;
  if (colours_opt->count() == 0) options.colours = options.saved.colours;
  options.client.client_name = "chat";
  options.client.ca_file = ca;
  options.client.cert_file = cert;
  options.client.key_file = key;
  if (!ca.empty() || !cert.empty()) options.client.tls = true;
  const auto chosen = chat::choose_identity(guest, identity, std::getenv("SSH_USER_AUTH"),
                                            chatcore::default_identity_file());
  options.client.identity_file = chosen.file;
  options.identity_note = chosen.note;
  options.client.reconnect = true;

  std::setlocale(LC_ALL, "");
  // The client speaks UTF-8; without a UTF-8 locale ncursesw would draw Hangul as escapes.
  const char* ctype = std::setlocale(LC_CTYPE, nullptr);
  if (ctype == nullptr || (std::strstr(ctype, "UTF-8") == nullptr && std::strstr(ctype, "utf8") == nullptr)) {
    std::setlocale(LC_CTYPE, "C.UTF-8");
  }
  boost::asio::io_context io;
  std::string message;
  int code = 0;
  {
    chat::Terminal terminal;
    chat::App app(io, terminal, options);
    app.start();
    io.run();
    terminal.restore();
    message = app.exit_message();
    code = app.exit_code();
    if (!message.empty()) std::cerr << "chat: " << message << std::endl;
    app.shutdown();
  }
  return code;
}
