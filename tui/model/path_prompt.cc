#include "path_prompt.h"

#include "progress.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace chat {
namespace fs = std::filesystem;

PathPrompt::PathPrompt(Purpose purpose, std::string label, std::string initial, std::uint64_t max_size)
    : purpose_(purpose), label_(std::move(label)), max_size_(max_size) {
  editor_.set_text(std::move(initial));
}

fs::path expand_home(const std::string& t) {
  if (t == "~" || t.starts_with("~/")) {
    const char* home = std::getenv("HOME");
    if (home != nullptr) return fs::path(home) / t.substr(std::min<std::size_t>(2, t.size()));
  }
  return fs::path(t);
}

fs::path PathPrompt::path() const { return expand_home(editor_.text()); }

std::string PathPrompt::info() const {
  if (editor_.text().empty()) return "type a path";
  std::error_code ec;
  const fs::path p = path();
  const auto st = fs::status(p, ec);
  if (ec || !fs::exists(st)) {
    if (purpose_ == Purpose::write) {
      const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
      return fs::is_directory(parent, ec) ? "new file" : "no such directory";
    }
    return "no such file";
  }
  if (fs::is_directory(st)) return "directory";
  if (!fs::is_regular_file(st)) return "not a regular file";
  const std::uint64_t size = fs::file_size(p, ec);
  if (ec) return "unreadable";
  if (purpose_ == Purpose::read && max_size_ != 0 && size > max_size_) {
    return "file, " + format_bytes(size) + ": too large (limit " + format_bytes(max_size_) + ")";
  }
  return (purpose_ == Purpose::write ? "exists, " : "file, ") + format_bytes(size);
}

PathPrompt::Outcome PathPrompt::handle_key(const Key& key) {
  switch (key.kind) {
    case KeyKind::escape:
    case KeyKind::interrupt:
      return Outcome::cancelled;
    case KeyKind::enter:
      return accept();
    case KeyKind::tab:
      complete();
      return Outcome::changed;
    default:
      if (!editor_.handle_key(key)) return Outcome::none;
      message_.clear();
      candidates_.clear();
      overwrite_ = false;
      return Outcome::changed;
  }
}

PathPrompt::Outcome PathPrompt::accept() {
  std::error_code ec;
  const fs::path p = path();
  candidates_.clear();
  if (editor_.text().empty()) {
    message_ = "type a path (Esc cancels)";
    return Outcome::changed;
  }
  if (fs::is_directory(p, ec)) {
    message_ = "that is a directory; Tab lists what is in it";
    return Outcome::changed;
  }
  if (purpose_ == Purpose::read) {
    if (!fs::is_regular_file(p, ec)) {
      message_ = "no such file: " + editor_.text();
      return Outcome::changed;
    }
    const std::uint64_t size = fs::file_size(p, ec);
    if (ec) {
      message_ = "cannot read " + editor_.text() + ": " + ec.message();
      return Outcome::changed;
    }
    if (max_size_ != 0 && size > max_size_) {
      message_ = "too large: " + format_bytes(size) + ", the server takes at most " + format_bytes(max_size_);
      return Outcome::changed;
    }
    return Outcome::accepted;
  }
  const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(parent, ec)) {
    message_ = "no such directory: " + parent.string();
    return Outcome::changed;
  }
  if (fs::exists(p, ec) && !overwrite_) {
    overwrite_ = true;
    message_ = "exists: Enter again to overwrite it, Esc to cancel";
    return Outcome::changed;
  }
  return Outcome::accepted;
}

void PathPrompt::complete() {
  message_.clear();
  candidates_.clear();
  const std::string text = editor_.text();
  const std::size_t slash = text.rfind('/');
  const std::string dir_part = slash == std::string::npos ? "" : text.substr(0, slash + 1);
  const std::string prefix = slash == std::string::npos ? text : text.substr(slash + 1);
  fs::path dir = dir_part.empty() ? fs::path(".") : fs::path(dir_part);
  if (dir_part == "~/" || dir_part.starts_with("~/")) {
    if (const char* home = std::getenv("HOME")) dir = fs::path(home) / dir_part.substr(2);
  }
  std::vector<std::string> matches;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    if (name.starts_with('.') && !prefix.starts_with('.')) continue;
    std::error_code type_ec;
    if (it->is_directory(type_ec)) name += '/';
    matches.push_back(std::move(name));
  }
  std::sort(matches.begin(), matches.end());
  if (matches.empty()) {
    message_ = ec ? "cannot list " + dir.string() : "no match";
    return;
  }
  std::string common = matches.front();
  for (const std::string& m : matches) {
    std::size_t n = 0;
    while (n < common.size() && n < m.size() && common[n] == m[n]) ++n;
    common.resize(n);
  }
  editor_.set_text(dir_part + common);
  overwrite_ = false;
  if (matches.size() > 1) candidates_ = std::move(matches);
}

std::string safe_file_name(const std::string& name) {
  std::string base = name;
  const std::size_t slash = base.find_last_of("/\\");
  if (slash != std::string::npos) base = base.substr(slash + 1);
  for (char& c : base) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = '_';
  }
  if (base.empty() || base == "." || base == "..") return "download";
  return base;
}

}  // namespace chat
