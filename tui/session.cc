// The session side of the app: connecting and logging in from the start-up prompts, turning
// the client's events and connection changes into state changes on the loop, and joining
// again the rooms a reconnect did not restore (the client itself reconnects and resumes).
#include "app.h"
#include "ssh_identity.h"

#include <cstdlib>

namespace chat {

void App::try_server(const std::string& address) {
  mode_ = Mode::connecting;
  login_.busy = true;
  login_.label = "Server";
  login_field_.set_text(address);
  state_.server = address;
  asio::post(pool_, [this, address, client_options = options_.client] {
    auto opened = chatcore::Client::open(address, client_options);
    asio::post(io_, [this, address, opened = std::move(opened)]() mutable {
      login_.busy = false;
      if (!opened.ok()) {
        mode_ = Mode::ask_server;
        login_.error = opened.status().message + " (" + address + "). Try again?";
        request_redraw();
        return;
      }
      client_ = ClientPtr(std::move(opened.value()));
      options_.server = address;
      login_.error.clear();
      if (!options_.nick.empty()) {
        try_nick(std::exchange(options_.nick, std::string()));
      } else {
        mode_ = Mode::ask_nick;
        login_.label = "Nickname";
        // The nickname this identity had last time, else the login name.
        std::string last = remembered_nickname(options_.client.identity_file);
        const char* user = std::getenv("USER");
        if (last.empty() && user != nullptr) last = user;
        login_field_.set_text(last);
      }
      request_redraw();
    });
  });
  request_redraw();
}

void App::try_nick(const std::string& nick) {
  mode_ = Mode::connecting;
  login_.busy = true;
  login_.label = "Nickname";
  login_field_.set_text(nick);
  const std::uint64_t generation = ++generation_;
  waiting_history_.clear();  // for a session that did not log in
  ClientPtr client = client_;
  asio::post(pool_, [this, client, nick, generation] {
    auto result = client->login(nick, event_handler(generation), closed_handler(generation),
                                connection_handler(generation));
    asio::post(io_, [this, client, nick, result = std::move(result)] {
      login_.busy = false;
      if (result.ok()) {
        logged_in(client, result.value());
        return;
      }
      const chatcore::Code code = result.status().code;
      if (code == chatcore::Code::already_exists || code == chatcore::Code::invalid_argument) {
        mode_ = Mode::ask_nick;
        login_.error = (code == chatcore::Code::already_exists ? "nickname taken: " : "invalid nickname: ") +
                       result.status().message + ". Choose another.";
      } else {
        mode_ = Mode::ask_server;
        login_.label = "Server";
        login_field_.set_text(state_.server);
        login_.error = "could not log in: " + result.status().to_string();
        client_.reset();
      }
      request_redraw();
    });
  });
}

void App::logged_in(ClientPtr client, const chatcore::Welcome& welcome) {
  client_ = std::move(client);
  mode_ = Mode::chat;
  const auto rejoin = state_.welcome(welcome);
  outgoing_.reset(state_.limits, now_s());
  state_.node = client_->server();
  state_.add_system("connected to " + (state_.node.empty() ? state_.server : state_.node) + " as " + welcome.nickname +
                    (welcome.guest ? " (guest)" : "") + "; /help lists the commands");
  if (!welcome.guest) {
    if (!options_.identity_note.empty()) state_.add_system(options_.identity_note);
    remember_nickname(options_.client.identity_file, welcome.nickname);
  }
  state_.note_welcome();
  if (state_.room().empty()) state_.entered_room({"", 0});
  rejoin_rooms(rejoin);
  refresh_rooms(false);
  for (const HistoryFetch& want : std::exchange(waiting_history_, {})) fetch_history(want);
  request_redraw();
}

chatcore::EventHandler App::event_handler(std::uint64_t generation) {
  return [this, generation](const chatcore::Event& event) {
    asio::post(io_, [this, generation, event] {
      if (generation != generation_) return;
      // A reconnect may have moved to another node of the list.
      if (client_ && std::holds_alternative<chatcore::Welcome>(event.body)) state_.node = client_->server();
      const ChatState::Effect effect = state_.apply(event);
      if (std::holds_alternative<chatcore::Welcome>(event.body)) {
        outgoing_.reset(state_.limits, now_s());  // a new session: the server's bucket is full again
        send_ready();
      }
      if (effect.bell) term_.bell();
      rejoin_rooms(effect.rejoin);
      for (const HistoryFetch& want : effect.fetch) fetch_history(want);
      request_redraw();
    });
  };
}

chatcore::ConnectionHandler App::connection_handler(std::uint64_t generation) {
  return [this, generation](const chatcore::ConnectionChange& change) {
    asio::post(io_, [this, generation, change] {
      if (generation != generation_ || quitting_) return;
      if (change.state == chatcore::ConnectionChange::State::resumed) return;  // its Welcome follows
      if (change.attempt == 1) {
        state_.note_connection("connection lost (" + change.cause.to_string() + "); reconnecting", true);
      }
      state_.connection = Connection::reconnecting;
      state_.clock = now_s();
      state_.retry_at = state_.clock + static_cast<double>(change.retry_in.count()) / 1000.0;
      state_.connection_note = change.attempt > 1 ? change.cause.message : std::string();
      request_redraw();
    });
  };
}

chatcore::ClosedHandler App::closed_handler(std::uint64_t generation) {
  return [this, generation](const chatcore::Status& status) {
    asio::post(io_, [this, generation, status] { on_closed(generation, status); });
  };
}

// The client reconnects by itself; a session ends only when that cannot help: another client
// of this identity took over, or the server refused it for good. The window stays, so the
// user reads why, with the draft still in the input line.
void App::on_closed(std::uint64_t generation, const chatcore::Status& status) {
  if (generation != generation_ || quitting_) return;
  state_.connection = Connection::closed;
  state_.connection_note = status.message;
  if (status.code != chatcore::Code::aborted) {  // a takeover: its notice said it all
    state_.add_error("disconnected: " + status.to_string() + "; /quit leaves");
  }
  request_redraw();
}

// A room may be gone after a server restart without its state: create it again then.
void App::rejoin_rooms(const std::vector<std::string>& rooms) {
  for (const std::string& room : rooms) {
    call(
        [room](chatcore::Client& c) {
          auto joined = c.join_room(room);
          if (joined.status().code != chatcore::Code::not_found) return joined;
          joined = c.create_room(room);
          // Another member rejoining at the same moment made it first.
          return joined.status().code == chatcore::Code::already_exists ? c.join_room(room) : joined;
        },
        [this, room](const chatcore::Result<chatcore::RoomInfo>& r) {
          if (!r.ok()) {
            state_.left_room(room);
            // after leaving, so the error lands in the buffer shown next, not in the one gone
            state_.add_error("could not rejoin #" + room + ": " + r.status().message);
            return;
          }
          const BufferId focused = state_.current().id;
          state_.entered_room(r.value());
          state_.focus(focused);  // rejoining does not move the focus
          state_.add_system("back in #" + room);
        });
  }
}

void App::refresh_rooms(bool show) {
  call([](chatcore::Client& c) { return c.list_rooms(); },
       [this, show](const chatcore::Result<std::vector<chatcore::RoomInfo>>& rooms) {
         if (!rooms.ok()) {
           if (show) state_.add_error("/rooms: " + rooms.status().message);
           return;
         }
         state_.set_rooms(rooms.value());
         if (!show) return;
         if (rooms->empty()) state_.add_system("no rooms yet: /create NAME");
         for (const auto& r : rooms.value()) {
           state_.add_system("#" + r.name + "  " + std::to_string(r.members) +
                             (r.members == 1 ? " member" : " members"));
         }
       });
}

void App::fetch_history(const HistoryFetch& want) {
  if (client_ && mode_ == Mode::connecting) {
    waiting_history_.push_back(want);
    return;
  }
  if (!client_ || mode_ != Mode::chat) {
    state_.history_failed(want, "not connected");
    return;
  }
  call([want](chatcore::Client& c) { return c.history(want.room, want.before_id); },
       [this, want](const chatcore::Result<chatcore::HistoryPage>& page) {
         if (page.ok()) {
           state_.prepend_history(want, page.value());
         } else {
           state_.history_failed(want, page.status().message);
         }
       });
}

}  // namespace chat
