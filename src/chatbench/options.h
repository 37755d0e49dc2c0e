// The command line of chatbench: which scenario to run, against which server, and the size
// of each scenario. --quick and --smoke shrink every size; explicit flags still win.
#pragma once

#include <string>
#include <vector>

namespace chatbench {

struct Options {
  std::string scenario = "all";  // all, fanout, ..., serve, serve-ceiling
  bool quick = false;
  bool smoke = false;
  bool json = false;
  bool no_ceiling = false;
  bool child_server = false;  // run chatcore in a child process (always for sessions)
  std::string server;         // HOST:PORT of an external chatd; empty = our own
  int server_pid = 0;         // the external chatd's process, for its CPU and RSS
  bool ceiling_one_event = false;  // serve-ceiling: one event per write
  std::string dir;            // scratch directory for files and server storage
  std::string self_exe;       // how to start a child chatbench
  std::string callgrind_out;  // set: the child server runs under valgrind --tool=callgrind

  int channels = 0;  // shared TCP connections; 0 = one per session
  int client_threads = 1;
  int rooms = 1;
  std::vector<int> members;  // fanout room sizes; default 100 and 10
  int messages = 0;          // per member; 0 = by mode
  int window = 8;            // SendMessage calls in flight per member
  int text_bytes = 64;
  int repeat = 1;            // fanout runs per room size, paced runs (medians reported)

  double rate = 50000;  // paced deliveries per second
  int paced_members = 100;
  double paced_seconds = 0;

  int sessions = 0;           // sessions scenario: 0 = by mode
  int broadcast_members = 0;  // members of the room that gets the broadcast

  int file_mib = 0;  // 0 = by mode

  std::vector<int> seat_sessions;  // seating: sessions per run; empty = by mode
  int slow_consumers = 50;         // burst: sessions that stop reading

  int resume_clients = 0;     // resume/restart: identities, each on its own connection
  int resume_messages = 0;    // resume: messages sent while they are away (0: by mode)
  int resume_room_size = 0;   // resume/restart: identities per room (0: by mode)
  double restart_rate = 0;    // restart: messages/s sent before the kill (0: by mode)
  int history = 0;            // serve: room messages the server keeps (0: its default)

  std::vector<int> nodes;      // cluster: chatd node counts measured; empty = 1, 2 and 3
  int nats = 1;                // cluster: nats-server processes (1, or 3 in a cluster)
  std::string chatd;           // cluster: the chatd binary; empty = the build's, else PATH
  int estimate_nodes = 10;     // cluster: the paper estimate's nodes (one machine each)
  double machine_cores = 0;    // cluster: cores per machine for it; 0 = this machine's
};

// Parses argv; exits the process on --help or a bad flag.
Options parse_options(int argc, char** argv);

// How a record names the connection model: "one per session" or "N shared".
std::string connections_label(int channels);

// The sizes that --quick / --smoke / defaults give to options left at 0.
void apply_mode_defaults(Options& options);

}  // namespace chatbench
