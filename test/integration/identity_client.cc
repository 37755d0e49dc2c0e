#include "identity_client.h"

#include <doctest/doctest.h>

namespace chatcore::test {

std::unique_ptr<Client> identity_client(const std::string& address, const TempDir& home,
                                        const std::string& nick) {
  ClientOptions options;
  options.identity_file = home.path() / (nick + ".identity");
  options.state_dir = home.path() / (nick + ".state");
  auto client = Client::open(address, options);
  REQUIRE_MESSAGE(client.ok(), client.status().to_string());
  auto welcome = (*client)->login(nick, [](const Event&) {}, [](const Status&) {});
  REQUIRE_MESSAGE(welcome.ok(), nick << ": " << welcome.status().to_string());
  return std::move(*client);
}

}  // namespace chatcore::test
