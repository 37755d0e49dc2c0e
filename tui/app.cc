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
      reconnect_timer_(io),
      strand_(asio::make_strand(pool_)) {
  // Added after curses started, so these handlers replace the ones ncurses installs: resizes
  // and Ctrl-C become events of this loop, and nothing is drawn in a signal handler.
  signals_.add(SIGWINCH);
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.add(SIGHUP);
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
  if (key.kind == KeyKind::resize) {
    request_redraw();
    return;
  }
  if (key.kind == KeyKind::redraw) {
    term_.force_full_redraw();
    request_redraw();
    return;
  }
  if (mode_ == Mode::chat) on_chat_key(key);
  else on_login_key(key);
}

void App::on_login_key(const Key& key) {
  if (key.kind == KeyKind::interrupt || key.kind == KeyKind::escape) {
    quit("");
    return;
  }
  if (mode_ == Mode::connecting) return;
  if (key.kind == KeyKind::enter) {
    const std::string text = login_field_.text();
    if (text.empty()) return;
    if (mode_ == Mode::ask_server) try_server(text);
    else try_nick(text);
  } else if (login_field_.handle_key(key)) {
    login_.error.clear();
  }
  request_redraw();
}

void App::on_chat_key(const Key& key) {
  if (prompt_) {
    switch (prompt_->handle_key(key)) {
      case PathPrompt::Outcome::accepted: {
        PathPrompt done = std::move(*prompt_);
        prompt_.reset();
        auto accept = std::move(on_prompt_accept_);
        accept(done);
        break;
      }
      case PathPrompt::Outcome::cancelled:
        prompt_.reset();
        state_.add_system("cancelled");
        break;
      default:
        break;
    }
    request_redraw();
    return;
  }
  const Layout layout = compute_layout(term_.rows(), term_.cols(), static_cast<int>(state_.transfers.size()));
  const int page = std::max(1, layout.messages.rows - 2);
  switch (key.kind) {
    case KeyKind::interrupt:
      quit("");
      return;
    case KeyKind::enter:
      submit(input_.submit());
      break;
    case KeyKind::page_up:
      state_.scroll_by(page);
      state_.clamp_scroll(max_scroll(state_, layout));
      break;
    case KeyKind::page_down:
      state_.scroll_by(-page);
      break;
    case KeyKind::end:
      input_.handle_key(key);
      state_.to_live();
      break;
    default:
      if (!input_.handle_key(key)) return;  // nothing changed: no redraw
      break;
  }
  request_redraw();
}

void App::tick() {
  ++ticks_;
  if (mode_ == Mode::chat && state_.connection == Connection::connected && ticks_ % 5 == 0) refresh_rooms(false);
  if (!state_.transfers.empty()) request_redraw();  // rate and ETA move on
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
  const Layout layout = compute_layout(rows, cols, static_cast<int>(state_.transfers.size()));
  state_.set_message_width(layout.messages.cols);
  state_.clamp_scroll(max_scroll(state_, layout));
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
  reconnect_timer_.cancel();
  tty_.cancel();
  io_.stop();
}

void App::shutdown() {
  cancel_transfers_->store(true);
  if (ClientPtr client = std::exchange(client_, nullptr)) client->close();
  pool_.join();
}

}  // namespace chat
