// The chat application: one Boost.Asio event loop that receives keys (the terminal as a
// stream_descriptor), signals (SIGWINCH/SIGINT/SIGTERM/SIGHUP), timers and everything the client's
// threads post, updates the state, and redraws. Blocking client calls run on a worker pool.
#pragma once

#include "model/command.h"
#include "model/key_handlers.h"
#include "model/line_editor.h"
#include "model/outgoing.h"
#include "model/path_prompt.h"
#include "model/render.h"
#include "model/settings_file.h"
#include "model/state.h"
#include "model/transfer_jobs.h"
#include "curses/terminal.h"

#include <chatcore/client.h>

#include <boost/asio.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace chat {

namespace asio = boost::asio;

struct AppOptions {
  std::string server;  // empty: ask
  std::string nick;    // empty: ask
  chatcore::ClientOptions client;  // TLS, identity, reconnects
  std::string identity_note;  // how the identity was chosen, said once connected
  // chat.conf: where it is and what it says (flags do not change this copy, so /set writes
  // back the file's server and nickname, not the ones given on the command line).
  std::filesystem::path settings_path;
  Settings saved;
  // In effect at start: the file's, or the flags'.
  bool timestamps = true;
  bool nicklist = true;
  bool colours = true;
};

class App {
 public:
  App(asio::io_context& io, Terminal& terminal, AppOptions options);
  ~App();

  void start();
  // After the loop ended: why (printed once the terminal is restored) and the exit status.
  const std::string& exit_message() const { return exit_message_; }
  int exit_code() const { return exit_code_; }
  // Cancels transfers, closes the session and waits for the worker threads.
  void shutdown();

 private:
  enum class Mode { ask_server, ask_nick, connecting, chat };
  using ClientPtr = std::shared_ptr<chatcore::Client>;

  // app.cc: input, signals, drawing
  void wait_for_input();
  void read_keys();
  void on_key(const Key& key);
  void act(const KeyEffect& effect);
  Layout layout() const;
  void wait_for_signal();
  void tick();
  void request_redraw();
  void draw();
  void quit(std::string message, int code = 0);

  // session.cc: connecting, logging in, events, reconnecting
  void try_server(const std::string& address);
  void try_nick(const std::string& nick);
  void logged_in(ClientPtr client, const chatcore::Welcome& welcome);
  chatcore::EventHandler event_handler(std::uint64_t generation);
  chatcore::ClosedHandler closed_handler(std::uint64_t generation);
  chatcore::ConnectionHandler connection_handler(std::uint64_t generation);
  void on_closed(std::uint64_t generation, const chatcore::Status& status);
  void rejoin_rooms(const std::vector<std::string>& rooms);
  void refresh_rooms(bool show);
  void fetch_history(const HistoryFetch& want);  // a page of older lines, put above a room's
  // Runs `call(client)` on the worker strand and `done(result)` back on the loop.
  template <class Call, class Done>
  void call(Call call, Done done);

  // commands.cc: one handler per command kind
  using CommandHandler = void (App::*)(const Command&);
  static CommandHandler handler(CommandKind kind);
  static std::string where(const std::string& room);  // "#room" or "the lobby"
  void submit(const std::string& line);
  void run(const Command& cmd);
  void say(const Command& cmd);
  void list_rooms(const Command& cmd);
  void enter_room(const Command& cmd);  // create or join
  void leave_room(const Command& cmd);
  void change_nick(const Command& cmd);
  void list_users(const Command& cmd);  // users or who
  void send_dm(const Command& cmd);
  // buffer_commands.cc
  void query(const Command& cmd);
  void show_buffer(const Command& cmd);
  void close_buffer(const Command& cmd);
  void send_dm_text(const std::string& to, const std::string& text,
                    chatcore::MessageKind kind = chatcore::MessageKind::normal);
  // To the buffer on screen: its room, or its DM partner.
  void send_text(const std::string& text, chatcore::MessageKind kind);
  // outgoing.cc: every room message and DM goes through outgoing_, paced by the server's limit.
  void queue_message(Outgoing message);
  void send_paste();  // the held paste, confirmed
  void send_ready();
  void send_now(const Outgoing& message);
  void send_room_text(const std::string& room, const std::string& text, chatcore::MessageKind kind);
  // social_commands.cc
  void action(const Command& cmd);  // /me
  void topic(const Command& cmd);
  void away(const Command& cmd);
  void whois(const Command& cmd);
  void ignore(const Command& cmd);
  void unignore(const Command& cmd);
  // moderation_commands.cc
  void moderate(const Command& cmd);  // kick, ban, unban, mute, unmute
  void motd_command(const Command& cmd);
  // settings.cc. An option or the ignore list changed: chat.conf is written.
  bool settings_changed();  // false when it could not be written (said on screen)
  void apply_start_settings();
  // The nick list of the room on screen, fetched when it comes on screen and every few seconds.
  void refresh_nicks();
  void toggle_time(const Command& cmd);
  void set_option(const Command& cmd);
  void save_command(const Command& cmd);  // /save
  void clear_buffer(const Command& cmd);
  void show_help(const Command& cmd);
  void quit_command(const Command& cmd);
  // file_commands.cc
  void send_file(const Command& cmd);  // upload or sendfile
  void list_files(const Command& cmd);
  void download(const Command& cmd);
  void cancel_transfer(const Command& cmd);

  // transfers.cc
  void open_prompt(PathPrompt prompt, std::function<void(const PathPrompt&)> on_accept);
  void start_upload(const std::filesystem::path& path, chatcore::Destination to);
  void start_download(const chatcore::FileInfo& file, const std::filesystem::path& dest, bool overwrite);
  chatcore::ProgressHandler progress_handler(int id);
  int add_transfer(bool upload, std::string name, std::uint64_t total);  // a new bar; its id
  void run_transfer(int id);
  void transfer_ended(int id, const chatcore::Result<chatcore::FileInfo>& result);
  void forget_transfer(int id);  // its bar, its job and its cancel flag
  void resume_transfers();  // from tick(): the waiting ones run again once connected
  double now_s() const;

  asio::io_context& io_;
  Terminal& term_;
  AppOptions options_;
  asio::posix::stream_descriptor tty_;
  asio::signal_set signals_;
  asio::steady_timer tick_timer_;
  asio::steady_timer send_timer_;
  OutgoingQueue outgoing_;
  bool send_timer_set_ = false;
  asio::thread_pool pool_{4};
  asio::strand<asio::thread_pool::executor_type> strand_;

  Mode mode_ = Mode::ask_server;
  LineEditor login_field_;
  LoginScreen login_;
  ClientPtr client_;
  std::uint64_t generation_ = 0;  // bumps with each session, so stale posts are ignored
  bool quitting_ = false;
  int ticks_ = 0;

  ChatState state_;
  BufferId shown_;  // the buffer of the last frame, so a switch fetches its nick list
  LineEditor input_;
  Completer completer_;  // the Tab cycle on input_
  std::optional<PathPrompt> prompt_;
  std::function<void(const PathPrompt&)> on_prompt_accept_;
  std::uint64_t next_client_msg_id_ = 0;
  int next_transfer_id_ = 0;
  std::shared_ptr<std::atomic<bool>> cancel_transfers_ = std::make_shared<std::atomic<bool>>(false);
  // Each running transfer's own flag, set by /cancel; read by its progress handler.
  std::map<int, std::shared_ptr<std::atomic<bool>>> transfer_cancels_;
  std::map<int, TransferJob> jobs_;  // by transfer id, beside state_.transfers
  // Pages asked for while logging in (caught up before login() returned), fetched once in.
  std::vector<HistoryFetch> waiting_history_;

  bool redraw_pending_ = false;
  std::string exit_message_;
  int exit_code_ = 0;
};

template <class Call, class Done>
void App::call(Call call, Done done) {
  ClientPtr client = client_;
  if (!client || mode_ != Mode::chat) {
    state_.add_error("not connected; try again once the status bar says connected");
    request_redraw();
    return;
  }
  const std::uint64_t generation = generation_;
  asio::post(strand_, [this, client, generation, call = std::move(call), done = std::move(done)]() mutable {
    auto result = call(*client);
    asio::post(io_, [this, generation, result = std::move(result), done = std::move(done)]() mutable {
      if (generation != generation_) return;  // from a session that has ended
      done(result);
      request_redraw();
    });
  });
}

}  // namespace chat
