// chat: the terminal client. Parses the command line, sets up the locale, the event loop and
// the terminal, runs the app, and prints why it ended once the terminal is restored.
#include "app.h"
#include "curses/terminal.h"
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
  cli.add_option("--server", options.server, "HOST:PORT of the chat server (asked when missing)");
  cli.add_option("--nick", options.nick, "nickname (asked when missing or taken)");
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
