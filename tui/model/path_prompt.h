// The path prompt that stands in for a file dialog: a line editor that starts in the current
// directory, completes directories and files on Tab, and says whether the path exists and its size.
#pragma once

#include "keys.h"
#include "line_editor.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace chat {

class PathPrompt {
 public:
  enum class Purpose { read, write };  // read: a file to send; write: where a download goes
  enum class Outcome { none, changed, accepted, cancelled };

  // `max_size` refuses bigger files when reading (0 = no limit).
  PathPrompt(Purpose purpose, std::string label, std::string initial = "./", std::uint64_t max_size = 0);

  Outcome handle_key(const Key& key);

  const std::string& label() const { return label_; }
  LineEditor& editor() { return editor_; }
  const LineEditor& editor() const { return editor_; }
  std::filesystem::path path() const;  // the text with "~/" expanded
  // What the path is now: "file, 1.5 MiB", "no such file", "directory", "too large (limit 1.0 GiB)".
  std::string info() const;
  const std::string& message() const { return message_; }  // why Enter was refused, or a hint
  const std::vector<std::string>& candidates() const { return candidates_; }
  bool overwrite() const { return overwrite_; }  // write: the user confirmed replacing a file

  // Completes the word at the end of the text; public for tests.
  void complete();

 private:
  Outcome accept();

  Purpose purpose_;
  std::string label_;
  std::uint64_t max_size_;
  LineEditor editor_;
  std::string message_;
  std::vector<std::string> candidates_;
  bool overwrite_ = false;
};

// `text` as a path, with a leading "~" or "~/" standing for $HOME as a shell reads it: the
// prompt's text, and a path typed as a command's argument.
std::filesystem::path expand_home(const std::string& text);

// A name from the network made safe as a local file name: its last component, control
// characters and slashes replaced, never "", "." or "..".
std::string safe_file_name(const std::string& name);

}  // namespace chat
