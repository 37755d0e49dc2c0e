// Layout rectangles and the path prompt.
#include "layout.h"
#include "path_prompt.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace chat;
namespace fs = std::filesystem;

TEST_CASE("a wide terminal shows both sidebars and every bar") {
  const Layout l = compute_layout(30, 100, 2, true);
  CHECK_FALSE(l.too_small);
  CHECK(l.sidebars);
  CHECK(l.title.row == 0);
  CHECK(l.input.row == 29);
  CHECK(l.status.row == 28);
  CHECK(l.transfers.row == 26);
  CHECK(l.transfers.rows == 2);
  CHECK(l.buffers.col == 0);
  CHECK(l.buffers.rows == 25);
  CHECK(l.messages.col == l.buffers.cols + 1);
  CHECK(l.messages.col + l.messages.cols + 1 == l.nicks.col);
  CHECK(l.nicks.col + l.nicks.cols == 100);
}

TEST_CASE("the nick list needs 80 columns and a room that wants it; the messages take its place") {
  CHECK(compute_layout(30, 80, 0, true).nicks.cols == kNicksWidth);
  const Layout narrow = compute_layout(30, 79, 0, true);
  CHECK(narrow.nicks.empty());
  CHECK(narrow.messages.col + narrow.messages.cols == 79);
  const Layout off = compute_layout(30, 100, 0, false);
  CHECK(off.nicks.empty());
  CHECK(off.messages.col + off.messages.cols == 100);
}

TEST_CASE("narrower than 60 columns hides the sidebars") {
  const Layout l = compute_layout(20, 59, 0);
  CHECK_FALSE(l.sidebars);
  CHECK(l.messages.col == 0);
  CHECK(l.messages.cols == 59);
  CHECK(l.buffers.empty());
  CHECK(l.transfers.rows == 0);
  CHECK(compute_layout(20, 60, 0).sidebars);
}

TEST_CASE("transfer bars never take the whole screen; tiny terminals are flagged") {
  const Layout l = compute_layout(10, 80, 9);
  CHECK(l.transfers.rows == 2);
  CHECK(l.messages.rows >= 3);
  CHECK(compute_layout(5, 80, 0).too_small);
  CHECK(compute_layout(24, 19, 0).too_small);
}

namespace {
struct TempDir {
  fs::path path;
  fs::path old_cwd = fs::current_path();
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "chat-prompt-XXXXXX").string();
    path = mkdtemp(tmpl.data());
    fs::create_directories(path / "docs");
    fs::create_directories(path / "downloads");
    std::ofstream(path / "report.pdf") << std::string(1536, 'x');
    std::ofstream(path / "readme.txt") << "hi";
    std::ofstream(path / "huge.bin") << std::string(5000, 'x');
    fs::current_path(path);
  }
  ~TempDir() {
    fs::current_path(old_cwd);
    fs::remove_all(path);
  }
};

void type(PathPrompt& p, const std::string& s) {
  for (char c : s) p.handle_key(Key::character(static_cast<unsigned char>(c)));
}
}  // namespace

TEST_CASE("the path prompt starts in the current directory and completes on Tab") {
  TempDir dir;
  PathPrompt p(PathPrompt::Purpose::read, "Upload", "./", 4096);
  CHECK(p.editor().text() == "./");
  CHECK(p.info() == "directory");
  type(p, "rep");
  CHECK(p.info() == "no such file");
  CHECK(p.handle_key(Key::of(KeyKind::tab)) == PathPrompt::Outcome::changed);
  CHECK(p.editor().text() == "./report.pdf");
  CHECK(p.info() == "file, 1.5 KiB");
  CHECK(p.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::accepted);
  CHECK(p.path() == fs::path("./report.pdf"));
}

TEST_CASE("an ambiguous Tab completes the common part and lists candidates") {
  TempDir dir;
  PathPrompt p(PathPrompt::Purpose::read, "Upload", "./re", 4096);
  p.handle_key(Key::of(KeyKind::tab));
  CHECK(p.editor().text() == "./re");
  CHECK(p.candidates() == std::vector<std::string>{"readme.txt", "report.pdf"});
  PathPrompt d(PathPrompt::Purpose::read, "Upload", "doc", 4096);
  d.handle_key(Key::of(KeyKind::tab));
  CHECK(d.editor().text() == "docs/");  // a directory gets its slash
  CHECK(d.candidates().empty());
  PathPrompt none(PathPrompt::Purpose::read, "Upload", "zz", 4096);
  none.handle_key(Key::of(KeyKind::tab));
  CHECK(none.message() == "no match");
}

TEST_CASE("the prompt refuses directories, missing files and files over the limit") {
  TempDir dir;
  PathPrompt p(PathPrompt::Purpose::read, "Upload", "docs", 4096);
  CHECK(p.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::changed);
  CHECK(p.message().find("directory") != std::string::npos);
  PathPrompt big(PathPrompt::Purpose::read, "Upload", "huge.bin", 4096);
  CHECK(big.info() == "file, 4.9 KiB: too large (limit 4.0 KiB)");
  CHECK(big.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::changed);
  CHECK(big.message().find("too large") == 0);
  PathPrompt missing(PathPrompt::Purpose::read, "Upload", "nope", 4096);
  CHECK(missing.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::changed);
  CHECK(missing.handle_key(Key::of(KeyKind::escape)) == PathPrompt::Outcome::cancelled);
}

TEST_CASE("a download destination that exists needs a second Enter") {
  TempDir dir;
  PathPrompt p(PathPrompt::Purpose::write, "Save as", "readme.txt");
  CHECK(p.info() == "exists, 2 B");
  CHECK(p.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::changed);
  CHECK_FALSE(p.overwrite() == false);
  CHECK(p.message().find("Enter again") != std::string::npos);
  CHECK(p.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::accepted);
  PathPrompt fresh(PathPrompt::Purpose::write, "Save as", "downloads/new.txt");
  CHECK(fresh.info() == "new file");
  CHECK(fresh.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::accepted);
  CHECK_FALSE(fresh.overwrite());
  PathPrompt bad(PathPrompt::Purpose::write, "Save as", "nowhere/x.txt");
  CHECK(bad.info() == "no such directory");
  CHECK(bad.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::changed);
}

TEST_CASE("file names from the network become safe local names") {
  CHECK(safe_file_name("report.pdf") == "report.pdf");
  CHECK(safe_file_name("../../etc/passwd") == "passwd");
  CHECK(safe_file_name("..") == "download");
  CHECK(safe_file_name("dir/") == "download");
  CHECK(safe_file_name("a\x1b[2Jb") == "a_[2Jb");
  CHECK(safe_file_name("c:\\temp\\x.txt") == "x.txt");
}
