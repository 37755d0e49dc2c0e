#include "model/text.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

using chatcore::Code;
using chatcore::model::check_message;
using chatcore::model::check_name;
using chatcore::model::safe_file_name;
using chatcore::model::utf8_length;
using chatcore::model::valid_utf8;

namespace {
Code nick_code(std::string_view nick) { return check_name(nick, 32, "nickname").code; }

std::string repeat(std::string_view unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}
}  // namespace

TEST_CASE("UTF-8 validation refuses overlongs, surrogates, truncation and big values") {
  CHECK(valid_utf8(""));
  CHECK(valid_utf8("plain"));
  CHECK(valid_utf8("철수"));
  CHECK(valid_utf8("\xF0\x9F\x98\x80"));        // U+1F600
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(valid_utf8("\xE0\x80\xAF"));      // overlong '/'
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // U+D800
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(valid_utf8("\xE2\x82"));          // truncated
  CHECK_FALSE(valid_utf8("\x80"));              // stray continuation
  CHECK_FALSE(valid_utf8("\xFF"));
  CHECK(utf8_length("철수a") == 3);
  CHECK(utf8_length("\xF0\x9F\x98\x80") == 1);
}

TEST_CASE("nicknames: printable UTF-8 of 1 to 32 code points") {
  CHECK(nick_code("alice") == Code::ok);
  CHECK(nick_code("철수") == Code::ok);
  CHECK(nick_code(repeat("철", 32)) == Code::ok);  // 96 bytes but 32 characters
  const auto too_long = check_name(repeat("철", 33), 32, "nickname");
  CHECK(too_long.code == Code::invalid_argument);
  CHECK(too_long.message.starts_with("nickname must be 1-32 characters"));
  CHECK(check_name("", 32, "nickname").message.starts_with("nickname must be 1-32 characters"));
  CHECK(check_name(repeat("r", 65), 64, "room name").message.starts_with("room name must be"));
  CHECK(nick_code(repeat("r", 64)) == Code::invalid_argument);
}

TEST_CASE("nicknames refuse whitespace, control, bidi and invisible characters") {
  CHECK(check_name("a b", 32, "nickname").message == "nickname contains whitespace");
  CHECK(check_name("a\tb", 32, "nickname").message == "nickname contains whitespace");
  CHECK(check_name("a\u3000b", 32, "nickname").message == "nickname contains whitespace");
  CHECK(check_name("a\u00A0b", 32, "nickname").message == "nickname contains whitespace");
  CHECK(nick_code(std::string("a\0b", 3)) == Code::invalid_argument);
  CHECK(nick_code("a\x01") == Code::invalid_argument);
  CHECK(nick_code("a\x7F") == Code::invalid_argument);
  CHECK(nick_code("a\u0085") == Code::invalid_argument);  // C1 NEL
  CHECK(nick_code("a\u0090") == Code::invalid_argument);  // C1
  CHECK(nick_code("\u202Egnp.exe") == Code::invalid_argument);
  CHECK(nick_code("a\u2066b") == Code::invalid_argument);
  CHECK(nick_code("b\u200Bob") == Code::invalid_argument);
  CHECK(nick_code("\uFEFFbob") == Code::invalid_argument);
  CHECK(nick_code("b\u2061ob") == Code::invalid_argument);  // invisible times
  CHECK(nick_code("b\u180Eob") == Code::invalid_argument);  // Mongolian vowel separator
  CHECK(nick_code("b\u00ADob") == Code::ok);                // a soft hyphen takes a cell
  CHECK(check_name("\xC3", 32, "nickname").message == "nickname is not valid UTF-8");
}

TEST_CASE("messages: not blank, bounded in bytes, UTF-8, only tab and newline as controls") {
  CHECK(check_message("hello", 4096).ok());
  CHECK(check_message("line one\n\tline two", 4096).ok());
  CHECK(check_message("안녕하세요", 4096).ok());
  CHECK(check_message("", 4096).code == Code::invalid_argument);
  CHECK(check_message(" \n\t\u3000", 4096).message == "message is blank");
  const auto big = check_message(std::string(4097, 'x'), 4096);
  CHECK(big.code == Code::invalid_argument);
  CHECK(big.message.find("4096") != std::string::npos);
  CHECK(check_message(std::string(4096, 'x'), 4096).ok());
  CHECK(check_message("bad \xC3", 4096).message == "message is not valid UTF-8");
  CHECK(check_message("bell\a", 4096).code == Code::invalid_argument);
  CHECK(check_message("cr\r\n", 4096).code == Code::invalid_argument);
  CHECK(check_message(std::string("nul\0", 4), 4096).code == Code::invalid_argument);
}

TEST_CASE("file names are reduced to a safe base name") {
  auto name = [](std::string_view n) {
    auto r = safe_file_name(n);
    return r.ok() ? *r : fmt::format("!{}", chatcore::code_name(r.status().code));
  };
  CHECK(name("report.pdf") == "report.pdf");
  CHECK(name("../../etc/passwd") == "passwd");
  CHECK(name("/abs/x") == "x");
  CHECK(name("C:\\Users\\me\\evil.exe") == "evil.exe");
  CHECK(name("  spaced name.txt \u3000") == "spaced name.txt");
  CHECK(name(".bashrc") == ".bashrc");
  CHECK(name("사진.jpg") == "사진.jpg");
  CHECK(name("CON") == "_CON");
  CHECK(name("con.txt") == "_con.txt");
  CHECK(name("LPT9.log") == "_LPT9.log");
  CHECK(name("COM0") == "COM0");
  CHECK(name("CONSOLE") == "CONSOLE");
  CHECK(name(std::string("a\0b", 3)) == "!INVALID_ARGUMENT");
  CHECK(name("a\nb") == "!INVALID_ARGUMENT");
  CHECK(name("dir/") == "!INVALID_ARGUMENT");
  CHECK(name("") == "!INVALID_ARGUMENT");
  CHECK(name("   ") == "!INVALID_ARGUMENT");
  CHECK(name(".") == "!INVALID_ARGUMENT");
  CHECK(name("x/..") == "!INVALID_ARGUMENT");
  CHECK(name("bad\xC3") == "!INVALID_ARGUMENT");
  CHECK(name("photo\u202Egpj.exe") == "!INVALID_ARGUMENT");
  CHECK(name(std::string(255, 'a')) == std::string(255, 'a'));
  CHECK(name(std::string(256, 'a')) == "!INVALID_ARGUMENT");
  const auto huge = safe_file_name(std::string(10000, 'a'));
  CHECK(huge.status().code == Code::invalid_argument);
  CHECK(huge.status().message.find("255") != std::string::npos);
  CHECK(name(std::string(300, 'd') + "/ok.txt") == "ok.txt");
  CHECK(name(std::string(5000, 'd') + "/ok.txt") == "!INVALID_ARGUMENT");
}
