// chatbench: load generator and reference for chatcore. See docs/performance.md for the
// method and the latest numbers.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "chatbench/options.h"
#include "chatbench/scenarios.h"
#include "chatbench/target.h"

namespace {
// One connection per session needs a descriptor per session on each side; child servers
// inherit the raised limit.
void raise_fd_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}
}  // namespace

int main(int argc, char** argv) {
  using namespace chatbench;
  Options o = parse_options(argc, argv);
  raise_fd_limit();
  if (o.scenario == "serve") return serve_child(o);
  if (o.scenario == "serve-ceiling") return serve_ceiling_child(o);
  std::signal(SIGPIPE, SIG_IGN);
  if (o.scenario == "cluster" && !cluster_available()) {
    std::fprintf(stderr, "chatbench: cluster needs nats-server on PATH; skipped\n");
    return 77;  // skipped, as the test suite counts it
  }
  const bool own_dir = !std::filesystem::exists(o.dir);
  std::filesystem::create_directories(o.dir);
  bool ok = true;
  const auto run = [&](const char* name, bool (*fn)(const Options&)) {
    if (o.scenario != name && o.scenario != "all") return;
    if (!fn(o)) {
      std::fprintf(stderr, "chatbench: %s FAILED\n", name);
      ok = false;
    }
  };
  run("fanout", &run_fanout);
  run("paced", &run_paced);
  run("sessions", &run_sessions);
  run("seating", &run_seating);
  run("burst", &run_burst);
  run("files", &run_files);
  run("resume", &run_resume);
  run("restart", &run_restart);
  if (o.scenario == "callgrind" && !run_callgrind(o)) ok = false;
  // Not part of "all": it needs nats-server and starts up to 3 nodes per run.
  if (o.scenario == "cluster" && !run_cluster(o)) ok = false;
  if (own_dir) {
    std::error_code ec;
    std::filesystem::remove_all(o.dir, ec);
  }
  return ok ? 0 : 1;
}
