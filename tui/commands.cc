// The chat commands: App::run finds the handler for a parsed command's kind (one per kind,
// in an exhaustive switch), and each handler calls the client off the UI thread. The file
// commands are in file_commands.cc.
#include "app.h"

#include "model/who.h"

namespace chat {

void App::submit(const std::string& line) {
  auto parsed = parse_command(line);
  if (auto* err = std::get_if<CommandError>(&parsed)) {
    if (!err->message.empty()) state_.add_error(err->message);
    return;
  }
  run(std::get<Command>(parsed));
}

App::CommandHandler App::handler(CommandKind kind) {
  using K = CommandKind;
  switch (kind) {
    case K::say: return &App::say;
    case K::me: return &App::action;
    case K::topic: return &App::topic;
    case K::away: return &App::away;
    case K::whois: return &App::whois;
    case K::rooms: return &App::list_rooms;
    case K::create: return &App::enter_room;
    case K::join: return &App::enter_room;
    case K::leave: return &App::leave_room;
    case K::nick: return &App::change_nick;
    case K::users: return &App::list_users;
    case K::who: return &App::list_users;
    case K::dm: return &App::send_dm;
    case K::query: return &App::query;
    case K::buffer: return &App::show_buffer;
    case K::close: return &App::close_buffer;
    case K::upload: return &App::send_file;
    case K::sendfile: return &App::send_file;
    case K::files: return &App::list_files;
    case K::download: return &App::download;
    case K::cancel: return &App::cancel_transfer;
    case K::ignore: return &App::ignore;
    case K::unignore: return &App::unignore;
    case K::kick: return &App::moderate;
    case K::ban: return &App::moderate;
    case K::unban: return &App::moderate;
    case K::mute: return &App::moderate;
    case K::unmute: return &App::moderate;
    case K::motd: return &App::motd_command;
    case K::time: return &App::toggle_time;
    case K::set: return &App::set_option;
    case K::save: return &App::save_command;
    case K::clear: return &App::clear_buffer;
    case K::help: return &App::show_help;
    case K::quit: return &App::quit_command;
  }
  return &App::say;  // not reached: the switch covers every kind
}

void App::run(const Command& cmd) { (this->*handler(cmd.kind))(cmd); }

void App::say(const Command& cmd) { send_text(cmd.args[0], chatcore::MessageKind::normal); }

void App::send_text(const std::string& text, chatcore::MessageKind kind) {
  const BufferId to = state_.current().id;
  if (to.kind == BufferKind::server) {
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
  queue_message({to, text, kind});
}

void App::send_room_text(const std::string& room, const std::string& text, chatcore::MessageKind kind) {
  const std::uint64_t id = ++next_client_msg_id_;
  state_.add_own_room_message(room, text, id, kind == chatcore::MessageKind::action);
  call([room, text, id, kind](chatcore::Client& c) { return c.send(room, text, id, kind); },
       [this, id](const chatcore::Result<std::uint64_t>& r) {
         if (r.ok()) return;
         state_.mark_not_sent(id);
         state_.add_error("not sent: " + r.status().message);
       });
}

void App::list_rooms(const Command&) { refresh_rooms(true); }

void App::enter_room(const Command& cmd) {
  const std::string name = cmd.args[0];
  const bool create = cmd.kind == CommandKind::create;
  if (!create && state_.is_member(name)) {
    state_.focus(name);
    return;
  }
  call([name, create](chatcore::Client& c) { return create ? c.create_room(name) : c.join_room(name); },
       [this, name](const chatcore::Result<chatcore::RoomInfo>& r) {
         if (!r.ok()) {
           state_.add_error(name + ": " + r.status().message);
           return;
         }
         state_.entered_room(r.value());
         refresh_rooms(false);
       });
}

void App::leave_room(const Command& cmd) {
  const std::string room = cmd.args.empty() ? state_.room() : cmd.args[0];
  if (room.empty()) {
    state_.add_error("you are in no room; /leave ROOM names one you are in");
    return;
  }
  if (!state_.is_member(room)) {
    state_.add_error("/leave: you are not in " + where(room));
    return;
  }
  call([room](chatcore::Client& c) { return c.leave_room(room); },
       [this, room](const chatcore::Result<chatcore::RoomInfo>& r) {
         if (!r.ok()) {
           state_.add_error("/leave: " + r.status().message);
           return;
         }
         state_.left_room(room);
         refresh_rooms(false);
       });
}

void App::change_nick(const Command& cmd) {
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
}

void App::list_users(const Command& cmd) {
  const std::string room = state_.room();
  const bool here = cmd.kind == CommandKind::who;
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
           state_.add_system(who_line(room, r.value()));
           return;
         }
         state_.add_system(std::to_string(r->size()) + " online:");
         for (const auto& u : r.value()) state_.add_system("  " + u.nickname + " in " + where(u.room));
       });
}

void App::send_dm(const Command& cmd) {
  if (!client_ || mode_ != Mode::chat) {
    state_.add_error("not connected; not sent");
    return;
  }
  queue_message({BufferId::dm(cmd.args[0]), cmd.args[1]});  // behind any paced lines, in order
}

void App::send_dm_text(const std::string& to, const std::string& text, chatcore::MessageKind kind) {
  const std::uint64_t id = ++next_client_msg_id_;
  call([to, text, id, kind](chatcore::Client& c) { return c.send_direct(to, text, id, kind); },
       [this, to, text, id, kind](const chatcore::Result<std::uint64_t>& r) {
         if (!r.ok()) state_.add_error("DM to " + to + " not sent: " + r.status().message);
         else state_.add_own_dm(to, text, id, kind == chatcore::MessageKind::action);
       });
}

void App::toggle_time(const Command&) {
  state_.show_time = !state_.show_time;
  state_.add_system(state_.show_time ? "timestamps on" : "timestamps off");
}

void App::set_option(const Command& cmd) {
  const std::string error = state_.set_option(cmd.args[0], cmd.args[1]);
  if (!error.empty()) {
    state_.add_error(error);
    return;
  }
  term_.set_colours(state_.show_colours);
  settings_changed();
}

void App::clear_buffer(const Command&) { state_.clear_buffer(); }

void App::show_help(const Command& cmd) {
  if (cmd.args.empty()) {
    for (const std::string& line : help_lines()) state_.add_system(line);
    return;
  }
  const auto lines = help_for(cmd.args[0]);
  if (lines.empty()) state_.add_error("/help: no command " + cmd.args[0] + " (/help lists them)");
  for (const std::string& line : lines) state_.add_system(line);
}

void App::quit_command(const Command&) { quit(""); }

std::string App::where(const std::string& room) { return room.empty() ? "the lobby" : "#" + room; }

}  // namespace chat
