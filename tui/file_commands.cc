// The file commands: /upload and /sendfile (a path given or asked for), /files and /download.
#include "app.h"

#include "model/progress.h"

#include <filesystem>

namespace chat {
namespace fs = std::filesystem;

void App::send_file(const Command& cmd) {
  const bool upload = cmd.kind == CommandKind::upload;
  chatcore::Destination to;
  if (upload && state_.current().id.kind == BufferKind::dm) {
    to.recipient = state_.current().id.name;  // in a DM buffer, to the partner
  } else if (upload) {
    if (state_.room().empty()) {
      state_.add_error("you are in the lobby: join a room to upload, or /sendfile NICK to send to one user");
      return;
    }
    to.room = state_.room();
  } else {
    to.recipient = cmd.args[0];
  }
  const std::size_t path_arg = upload ? 0 : 1;
  const std::string label = "Send to " + (to.room.empty() ? to.recipient : "#" + to.room);
  PathPrompt prompt(PathPrompt::Purpose::read, label,
                    cmd.args.size() > path_arg ? cmd.args[path_arg] : "./", state_.limits.max_file_size);
  if (cmd.args.size() > path_arg) {
    // a path was given: check it as the prompt would, and only open the prompt if it is refused
    if (prompt.handle_key(Key::of(KeyKind::enter)) == PathPrompt::Outcome::accepted) {
      start_upload(prompt.path(), to);
      return;
    }
    state_.add_error(prompt.message());
    return;
  }
  open_prompt(std::move(prompt), [this, to](const PathPrompt& p) { start_upload(p.path(), to); });
}

void App::list_files(const Command&) {
  call([](chatcore::Client& c) { return c.list_files(); },
       [this](const chatcore::Result<std::vector<chatcore::FileInfo>>& r) {
         if (!r.ok()) {
           state_.add_error("/files: " + r.status().message);
           return;
         }
         state_.remember_files(r.value(), true);
         if (r->empty()) state_.add_system("no files yet");
         int n = 0;
         for (const auto& f : r.value()) {
           const std::string to = f.recipient.empty() ? where(f.room) : "you";
           state_.add_system(std::to_string(++n) + ". " + f.name + " (" + format_bytes(f.size) + ") from " +
                             f.sender + " to " + to + "  id " + f.id);
         }
         if (n > 0) state_.add_system("/download N [DEST] saves one");
       });
}

void App::download(const Command& cmd) {
  auto resolved = state_.resolve_file(cmd.args[0]);
  if (auto* err = std::get_if<std::string>(&resolved)) {
    state_.add_error(*err);
    return;
  }
  const chatcore::FileInfo file = std::get<chatcore::FileInfo>(resolved);
  if (cmd.args.size() > 1) {
    std::error_code ec;
    fs::path dest = expand_home(cmd.args[1]);
    if (fs::is_directory(dest, ec)) dest /= safe_file_name(file.name);
    if (fs::exists(dest, ec) && !cmd.force) {
      state_.add_error(dest.string() + " exists; /download " + cmd.args[0] + " " + cmd.args[1] +
                       " --force replaces it");
      return;
    }
    start_download(file, dest, cmd.force);
    return;
  }
  PathPrompt prompt(PathPrompt::Purpose::write, "Save " + safe_file_name(file.name) + " as",
                    "./" + safe_file_name(file.name));
  open_prompt(std::move(prompt), [this, file](const PathPrompt& p) { start_download(file, p.path(), p.overwrite()); });
}

}  // namespace chat
