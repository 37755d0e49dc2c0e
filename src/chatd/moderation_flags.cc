// chatd's moderation flags: who the server operators are.
#include <algorithm>
#include <cctype>
#include <string>

#include "chatd/flags.h"

namespace chatd {

void add_moderation_flags(CLI::App& app, Settings& settings) {
  app.add_option("--operator", settings.config.operators,
                 "a server operator: the fingerprint of an identity (hex SHA-256 of its secret, "
                 "shown in Welcome and Whois), or a prefix of 16+ hex digits; repeatable")
      ->check([](const std::string& v) -> std::string {
        // What --print-config writes for none, read back.
        if (v.empty()) return {};
        const bool hex = std::all_of(v.begin(), v.end(),
                                     [](unsigned char c) { return std::isxdigit(c) != 0; });
        if (!hex || v.size() < 16 || v.size() > 64) {
          return "an operator is named by 16 to 64 hex digits of a fingerprint";
        }
        return {};
      });
}

}  // namespace chatd
