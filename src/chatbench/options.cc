#include "chatbench/options.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>

#include <unistd.h>

namespace chatbench {

Options parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{"chatbench - load generator for chatcore, compared with a bare gRPC server"};
  app.add_option("scenario", o.scenario,
                 "all, fanout, paced, sessions, seating, burst, files, resume, restart, "
                 "callgrind, cluster")
      ->check(CLI::IsMember({"all", "fanout", "paced", "sessions", "seating", "burst", "files",
                             "resume", "restart", "callgrind", "cluster", "serve",
                             "serve-ceiling"}))
      ->capture_default_str();
  app.add_flag("--quick", o.quick, "smaller sizes: the whole run takes under two minutes");
  app.add_flag("--smoke", o.smoke, "tiny sizes, for the test suite (correctness only)");
  app.add_flag("--json", o.json, "one JSON object per result line");
  app.add_flag("--no-ceiling", o.no_ceiling, "skip the bare gRPC reference runs");
  app.add_flag("--child-server", o.child_server,
               "run chatcore in a child process for every scenario (CPU and RSS are its own)");
  app.add_option("--server", o.server, "HOST:PORT of an external chatd instead of our own");
  app.add_option("--server-pid", o.server_pid,
                 "the external chatd's pid: its CPU and RSS are read from /proc");
  app.add_flag("--ceiling-one-event", o.ceiling_one_event)->group("");  // serve-ceiling only
  app.add_option("--dir", o.dir, "scratch directory (files, server storage)");
  app.add_option("--channels", o.channels,
                 "TCP connections the sessions share (0: one per session, as real clients)")
      ->capture_default_str()
      ->check(CLI::Range(0, 4096));
  app.add_option("--client-threads", o.client_threads, "completion-queue threads of the client")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  app.add_option("--rooms", o.rooms, "fanout: rooms")->capture_default_str()->check(CLI::Range(1, 1000));
  app.add_option("--members", o.members, "fanout: members per room (repeatable)")
      ->check(CLI::Range(1, 5000));
  app.add_option("--messages", o.messages, "fanout: messages each member sends (0: by mode)");
  app.add_option("--window", o.window, "fanout: sends in flight per member")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--text-bytes", o.text_bytes, "message size")
      ->capture_default_str()
      ->check(CLI::Range(24, 4096));
  app.add_option("--repeat", o.repeat, "fanout, paced: runs, interleaved with the ceiling's; medians reported")
      ->capture_default_str()
      ->check(CLI::Range(1, 9));
  app.add_option("--rate", o.rate, "paced: deliveries per second")->capture_default_str();
  app.add_option("--paced-members", o.paced_members, "paced: room size")->capture_default_str();
  app.add_option("--paced-seconds", o.paced_seconds, "paced: duration (0: by mode)");
  app.add_option("--sessions", o.sessions, "sessions: how many to open (0: by mode)");
  app.add_option("--broadcast-members", o.broadcast_members,
                 "sessions: members of the broadcast room (0: by mode)");
  app.add_option("--seat-sessions", o.seat_sessions,
                 "seating: sessions to seat (repeatable; default 1000 and 4000)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--slow-consumers", o.slow_consumers, "burst: sessions that stop reading")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--file-mib", o.file_mib, "files: size in MiB (0: by mode)");
  app.add_option("--resume-clients", o.resume_clients,
                 "resume/restart: identities that reconnect (0: by mode)")
      ->check(CLI::Range(0, 20000));
  app.add_option("--resume-messages", o.resume_messages,
                 "resume: messages sent while they are away (0: by mode)")
      ->check(CLI::Range(0, 10000000));
  app.add_option("--resume-room-size", o.resume_room_size,
                 "resume/restart: identities per room (0: by mode)")
      ->check(CLI::Range(0, 5000));
  app.add_option("--restart-rate", o.restart_rate,
                 "restart: messages per second sent until the kill (0: by mode)");
  app.add_option("--history", o.history)->group("");  // serve only
  app.add_option("--nodes", o.nodes, "cluster: chatd nodes (repeatable; default 1, 2 and 3)")
      ->check(CLI::Range(1, 9));
  app.add_option("--nats", o.nats, "cluster: nats-server processes, 1 or 3 (routed)")
      ->capture_default_str()
      ->check(CLI::IsMember({1, 3}));
  app.add_option("--chatd", o.chatd, "cluster: the chatd binary (default: the build's, or PATH)");
  app.add_option("--estimate-nodes", o.estimate_nodes,
                 "cluster: nodes of the paper estimate, one machine each")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--machine-cores", o.machine_cores,
                 "cluster: cores per machine for the estimate (0: this machine's)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  std::error_code ec;
  o.self_exe = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  if (o.members.empty()) o.members = {100, 10};
  if (o.nodes.empty()) o.nodes = {1, 2, 3};
  apply_mode_defaults(o);
  return o;
}

void apply_mode_defaults(Options& o) {
  const auto pick = [&](int& v, int full, int quick, int smoke) {
    if (v == 0) v = o.smoke ? smoke : o.quick ? quick : full;
  };
  pick(o.messages, 400, 150, 20);
  pick(o.sessions, 10000, 3000, 200);
  pick(o.broadcast_members, 4000, 1000, 100);
  pick(o.file_mib, 1024, 128, 8);
  pick(o.resume_clients, 1000, 1000, 40);
  pick(o.resume_messages, 100000, 20000, 400);
  pick(o.resume_room_size, 50, 50, 10);
  if (o.restart_rate <= 0) o.restart_rate = o.smoke ? 400 : 2000;
  if (o.seat_sessions.empty()) {
    o.seat_sessions = o.smoke ? std::vector<int>{100, 200} : std::vector<int>{1000, 4000};
  }
  if (o.paced_seconds <= 0) o.paced_seconds = o.smoke ? 0.5 : o.quick ? 3 : 8;
  if (o.dir.empty()) {
    o.dir = (std::filesystem::temp_directory_path() / ("chatbench-" + std::to_string(::getpid())))
                .string();
  }
}

std::string connections_label(int channels) {
  return channels == 0 ? std::string("one per session") : std::to_string(channels) + " shared";
}

}  // namespace chatbench
