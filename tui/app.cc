#include "app.h"

#include <csignal>
#include <unistd.h>

namespace chat {

App::App(asio::io_context& io, Terminal& terminal, AppOptions options)
    : io_(io),
      term_(terminal),
      options_(std::move(options)),
      tty_(io, ::dup(STDIN_FILENO)),
      signals_(io),
      tick_timer_(io),
      send_timer_(io),
      strand_(asio::make_strand(pool_)) {
  // Added after curses started, so these handlers replace the ones ncurses installs: resizes
  // and Ctrl-C become events of this loop, and nothing is drawn in a signal handler.
  signals_.add(SIGWINCH);
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.add(SIGHUP);
  apply_start_settings();  // timestamps on unless chat.conf or a flag says otherwise
  options_.client.on_notice = [this](const chatcore::Event& event) {
    asio::post(io_, [this, event] {
      state_.notice(event);
      request_redraw();
    });
  };
  options_.client.on_moderation = [this](const chatcore::Event& event) {
    asio::post(io_, [this, event] {
      state_.moderation(event);
      request_redraw();
    });
  };
}

App::~App() { shutdown(); }

void App::start() {
  wait_for_signal();
  wait_for_input();
  tick();
  login_.hint = "Enter connects, Ctrl-C quits";
  if (options_.server.empty()) {
    mode_ = Mode::ask_server;
    login_.label = "Server";
    login_field_.set_text("127.0.0.1:50051");
  } else {
    try_server(options_.server);
  }
  request_redraw();
}

void App::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    if (signo == SIGWINCH) {
      term_.update_size();
      request_redraw();
      wait_for_signal();
    } else {
      quit(signo == SIGHUP ? "terminal hung up" : "interrupted");
    }
  });
}

void App::wait_for_input() {
  tty_.async_wait(asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec || quitting_) return;
    read_keys();
    if (!quitting_) wait_for_input();
  });
}

void App::read_keys() {
  bool any = false;
  while (auto key = term_.read_key()) {
    any = true;
    on_key(*key);
    if (quitting_) return;
  }
  if (!any && term_.hung_up()) quit("the terminal went away");
}

void App::on_key(const Key& key) {
  if (mode_ == Mode::chat) {
    act(handle_chat_key(key, state_, input_, completer_, prompt_ ? &*prompt_ : nullptr, layout()));
  } else {
    act(handle_login_key(key, login_, login_field_, mode_ == Mode::connecting));
  }
}

// Carries out what a key handler asked for; the handler already changed the model.
void App::act(const KeyEffect& effect) {
  if (effect.quit) {
    quit("");
    return;
  }
  if (effect.full_redraw) term_.force_full_redraw();
  if (effect.prompt_accepted && prompt_) {
    PathPrompt done = std::move(*prompt_);
    prompt_.reset();
    auto accept = std::move(on_prompt_accept_);
    accept(done);
  }
  if (effect.prompt_closed) prompt_.reset();
  if (effect.paste_accepted) send_paste();
  if (effect.fetch_history) fetch_history(*effect.fetch_history);
  if (effect.submit) {
    if (mode_ == Mode::chat) submit(*effect.submit);
    else if (mode_ == Mode::ask_server) try_server(*effect.submit);
    else try_nick(*effect.submit);
  }
  if (effect.redraw) request_redraw();
}

Layout App::layout() const {
  return chat_layout(state_, term_.rows(), term_.cols());
}

void App::tick() {
  ++ticks_;
  if (mode_ == Mode::chat && state_.connection == Connection::connected && ticks_ % 5 == 0) {
    refresh_rooms(false);
    refresh_nicks();
  }
  if (mode_ == Mode::chat) resume_transfers();
  // rate and ETA move on; so does the retry countdown
  if (!state_.transfers.empty() || state_.connection == Connection::reconnecting) request_redraw();
  tick_timer_.expires_after(std::chrono::seconds(1));
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

void App::request_redraw() {
  if (redraw_pending_ || quitting_) return;
  redraw_pending_ = true;
  asio::post(io_, [this] {
    redraw_pending_ = false;
    draw();
  });
}

void App::draw() {
  if (quitting_) return;
  const int rows = term_.rows();
  const int cols = term_.cols();
  if (mode_ != Mode::chat) {
    term_.draw(render_login(login_, login_field_, rows, cols));
    return;
  }
  state_.clock = now_s();
  const Layout layout = this->layout();
  state_.set_message_width(layout.messages.cols);
  state_.clamp_scroll(max_scroll(state_, layout));
  if (state_.current().id != shown_) {
    shown_ = state_.current().id;
    refresh_nicks();
  }
  term_.draw(render_chat(state_, input_, prompt_ ? &*prompt_ : nullptr, rows, cols));
}

void App::quit(std::string message, int code) {
  if (quitting_) return;
  quitting_ = true;
  exit_message_ = std::move(message);
  exit_code_ = code;
  cancel_transfers_->store(true);
  signals_.cancel();
  tick_timer_.cancel();
  send_timer_.cancel();
  tty_.cancel();
  io_.stop();
}

void App::shutdown() {
  cancel_transfers_->store(true);
  if (ClientPtr client = std::exchange(client_, nullptr)) client->close();
  pool_.join();
}

}  // namespace chat
