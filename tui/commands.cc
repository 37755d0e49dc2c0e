// The commands: what each parsed input line does, through the client off the UI thread.
#include "app.h"

#include "model/progress.h"

#include <filesystem>

namespace chat {
namespace fs = std::filesystem;

namespace {
std::string where(const std::string& room) { return room.empty() ? "the lobby" : "#" + room; }
}  // namespace

void App::submit(const std::string& line) {
  auto parsed = parse_command(line);
  if (auto* err = std::get_if<CommandError>(&parsed)) {
    if (!err->message.empty()) state_.add_error(err->message);
    return;
  }
  run(std::get<Command>(parsed));
}

void App::run(const Command& cmd) {
  using K = CommandKind;
  const std::string room = state_.room();
  switch (cmd.kind) {
    case K::say: {
      const std::string& text = cmd.args[0];
      if (room.empty()) {
        state_.add_error("you are in the lobby: /join NAME or /create NAME first (/rooms lists them)");
        return;
      }
      if (text.size() > state_.limits.max_message_bytes) {
        state_.add_error("too long: " + std::to_string(text.size()) + " bytes, the server takes " +
                         std::to_string(state_.limits.max_message_bytes));
        return;
      }
      if (!client_ || mode_ != Mode::chat) {
        state_.add_error("not connected; not sent");
        return;
      }
      const std::uint64_t id = ++next_client_msg_id_;
      state_.add_own_message(text, id);
      call([room, text, id](chatcore::Client& c) { return c.send(room, text, id); },
           [this, id](const chatcore::Result<std::uint64_t>& r) {
             if (r.ok()) return;
             state_.mark_not_sent(id);
             state_.add_error("not sent: " + r.status().message);
           });
      return;
    }
    case K::rooms:
      refresh_rooms(true);
      return;
    case K::create:
    case K::join: {
      const std::string name = cmd.args[0];
      const bool create = cmd.kind == K::create;
      call([name, create](chatcore::Client& c) { return create ? c.create_room(name) : c.join_room(name); },
           [this, name](const chatcore::Result<chatcore::RoomInfo>& r) {
             if (!r.ok()) {
               state_.add_error(name + ": " + r.status().message);
               return;
             }
             state_.entered_room(r.value());
             refresh_rooms(false);
           });
      return;
    }
    case K::leave:
      if (room.empty()) {
        state_.add_error("you are already in the lobby");
        return;
      }
      call([](chatcore::Client& c) { return c.leave_room(); },
           [this](const chatcore::Result<chatcore::RoomInfo>& r) {
             if (!r.ok()) {
               state_.add_error("/leave: " + r.status().message);
               return;
             }
             state_.entered_room(r.value());
             refresh_rooms(false);
           });
      return;
    case K::nick: {
      const std::string name = cmd.args[0];
      call([name](chatcore::Client& c) { return c.change_nick(name); },
           [this](const chatcore::Result<std::string>& r) {
             if (!r.ok()) {
               state_.add_error("/nick: " + r.status().message);
               return;
             }
             if (state_.nick != r.value()) state_.add_system("you are now known as " + r.value());
             state_.nick = r.value();
           });
      return;
    }
    case K::users:
    case K::who: {
      const bool here = cmd.kind == K::who;
      if (here && room.empty()) {
        state_.add_error("you are in the lobby; /users lists everyone online");
        return;
      }
      call([here, room](chatcore::Client& c) { return c.list_users(here ? room : std::string()); },
           [this, here, room](const chatcore::Result<std::vector<chatcore::UserInfo>>& r) {
             if (!r.ok()) {
               state_.add_error("/users: " + r.status().message);
               return;
             }
             if (here) {
               std::string names;
               for (const auto& u : r.value()) names += (names.empty() ? "" : ", ") + u.nickname;
               state_.add_system("in #" + room + " (" + std::to_string(r->size()) + "): " + names);
               return;
             }
             state_.add_system(std::to_string(r->size()) + " online:");
             for (const auto& u : r.value()) state_.add_system("  " + u.nickname + " in " + where(u.room));
           });
      return;
    }
    case K::dm: {
      const std::string to = cmd.args[0];
      const std::string text = cmd.args[1];
      const std::uint64_t id = ++next_client_msg_id_;
      call([to, text, id](chatcore::Client& c) { return c.send_direct(to, text, id); },
           [this, to, text, id](const chatcore::Result<std::uint64_t>& r) {
             if (!r.ok()) state_.add_error("DM to " + to + " not sent: " + r.status().message);
             else state_.add_own_dm(to, text, id);
           });
      return;
    }
    case K::upload:
    case K::sendfile: {
      chatcore::Destination to;
      if (cmd.kind == K::upload) {
        if (room.empty()) {
          state_.add_error("you are in the lobby: join a room to upload, or /sendfile NICK to send to one user");
          return;
        }
        to.room = room;
      } else {
        to.recipient = cmd.args[0];
      }
      const std::size_t path_arg = cmd.kind == K::upload ? 0 : 1;
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
      return;
    }
    case K::files:
      list_files();
      return;
    case K::download:
      download(cmd);
      return;
    case K::time:
      state_.show_time = !state_.show_time;
      state_.add_system(state_.show_time ? "timestamps on" : "timestamps off");
      return;
    case K::help:
      for (const std::string& line : help_lines()) state_.add_system(line);
      return;
    case K::quit:
      quit("");
      return;
  }
}

void App::list_files() {
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
    fs::path dest = cmd.args[1];
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
