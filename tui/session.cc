// The session side of the app: connecting and logging in from the start-up prompts, turning
// the client's events into state changes on the loop, and reconnecting with backoff.
#include "app.h"

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
        const char* user = std::getenv("USER");
        login_field_.set_text(user != nullptr ? user : "");
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
  ClientPtr client = client_;
  asio::post(pool_, [this, client, nick, generation] {
    auto result = client->login(nick, event_handler(generation), closed_handler(generation));
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
  state_.welcome(welcome);
  state_.add_system("connected to " + state_.server + " as " + welcome.nickname + "; /help lists the commands");
  state_.entered_room({"", 0});
  backoff_ms_ = 500;
  refresh_rooms(false);
  request_redraw();
}

chatcore::EventHandler App::event_handler(std::uint64_t generation) {
  return [this, generation](const chatcore::Event& event) {
    asio::post(io_, [this, generation, event] {
      if (generation != generation_) return;
      const ChatState::Effect effect = state_.apply(event);
      if (effect.shutdown) shutdown_notice_ = true;
      if (effect.bell) term_.bell();
      request_redraw();
    });
  };
}

chatcore::ClosedHandler App::closed_handler(std::uint64_t generation) {
  return [this, generation](const chatcore::Status& status) {
    asio::post(io_, [this, generation, status] { on_closed(generation, status); });
  };
}

void App::on_closed(std::uint64_t generation, const chatcore::Status& status) {
  if (generation != generation_ || quitting_) return;
  if (shutdown_notice_ || status.ok()) {
    const std::string why = state_.connection_note.empty() ? status.message : state_.connection_note;
    quit("the server shut down" + (why.empty() ? std::string() : " (" + why + ")"));
    return;
  }
  state_.add_error("connection lost (" + status.to_string() + "); reconnecting");
  if (ClientPtr old = std::exchange(client_, nullptr)) {
    asio::post(pool_, [old] { old->close(); });
  }
  if (mode_ != Mode::chat) {
    mode_ = Mode::ask_server;
    login_.error = "connection lost: " + status.to_string();
    request_redraw();
    return;
  }
  schedule_reconnect();
}

void App::schedule_reconnect() {
  state_.connection = Connection::reconnecting;
  state_.connection_note = "retry in " + std::to_string((backoff_ms_ + 999) / 1000) + "s";
  reconnect_timer_.expires_after(std::chrono::milliseconds(backoff_ms_));
  backoff_ms_ = std::min(backoff_ms_ * 2, 10000);
  reconnect_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) reconnect();
  });
  request_redraw();
}

void App::reconnect() {
  state_.connection_note = "trying";
  const std::uint64_t generation = ++generation_;
  struct Outcome {
    chatcore::Status status;
    ClientPtr client;
    chatcore::Welcome welcome;
    chatcore::RoomInfo room;
    std::string room_error;
  };
  asio::post(pool_, [this, generation, address = state_.server, nick = state_.nick,
                     room = state_.room(), client_options = options_.client] {
    Outcome out;
    auto opened = chatcore::Client::open(address, client_options);
    if (!opened.ok()) {
      out.status = opened.status();
    } else {
      out.client = ClientPtr(std::move(opened.value()));
      auto login = out.client->login(nick, event_handler(generation), closed_handler(generation));
      if (!login.ok()) {
        out.status = login.status();
        out.client.reset();
      } else {
        out.welcome = login.value();
        if (!room.empty()) {
          auto joined = out.client->join_room(room);
          if (joined.status().code == chatcore::Code::not_found) joined = out.client->create_room(room);  // a restarted server
          if (joined.ok()) out.room = joined.value();
          else out.room_error = joined.status().to_string();
        }
      }
    }
    asio::post(io_, [this, generation, out = std::move(out)]() mutable {
      if (generation != generation_ || quitting_) return;
      if (!out.client) {
        state_.add_error("reconnect failed: " + out.status.to_string());
        schedule_reconnect();
        return;
      }
      client_ = std::move(out.client);
      state_.welcome(out.welcome);
      backoff_ms_ = 500;
      state_.add_system("reconnected to " + state_.server);
      if (!out.room_error.empty()) state_.add_error("could not rejoin: " + out.room_error);
      state_.entered_room(out.room);
      refresh_rooms(false);
      request_redraw();
    });
  });
  request_redraw();
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

}  // namespace chat
