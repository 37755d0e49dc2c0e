// callgrind: instructions the server spends per delivered message. The server runs in a
// child under valgrind --tool=callgrind twice, with a small fanout of K and of 2K messages;
// the difference of the two instruction totals over the difference in deliveries removes
// start-up, login and shutdown costs.
#include <fstream>
#include <sstream>
#include <thread>

#include "chatbench/scenarios.h"
#include "chatbench/target.h"

namespace chatbench {
namespace {
constexpr int kRoomSize = 10;

// The "summary:" (or "totals:") line of a callgrind output file: instructions executed.
double callgrind_total(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  double total = -1;
  while (std::getline(in, line)) {
    if (line.rfind("summary:", 0) == 0 || line.rfind("totals:", 0) == 0) {
      std::istringstream(line.substr(line.find(':') + 1)) >> total;
    }
  }
  return total;
}

struct Measured {
  double instructions = -1;
  FanoutRun run;
};

Measured measure(Options o, int messages, const std::string& out) {
  Measured m;
  o.callgrind_out = out;
  {
    auto target = ChatTarget::start(o, ChatTarget::Kind::child, scratch(o, "callgrind-storage"));
    if (!target) return m;
    m.run = fanout_once(o, target->address(), 1, kRoomSize, messages, {});
  }  // SIGTERM: the server shuts down and callgrind writes its file
  m.instructions = callgrind_total(out);
  return m;
}
}  // namespace

bool run_callgrind(const Options& o) {
  const int k = o.smoke ? 10 : o.quick ? 50 : 100;
  const Measured a = measure(o, k, scratch(o, "callgrind.a.out"));
  const Measured b = measure(o, 2 * k, scratch(o, "callgrind.b.out"));
  const double deliveries = static_cast<double>(b.run.delivered) - static_cast<double>(a.run.delivered);
  const double per = deliveries > 0 && a.instructions > 0 && b.instructions > 0
                         ? (b.instructions - a.instructions) / deliveries
                         : -1;
  Record rec("callgrind");
  rec.add("members", kRoomSize).add("messages_a", k).add("messages_b", 2 * k)
      .add("deliveries_a", a.run.delivered).add("deliveries_b", b.run.delivered)
      .add("instructions_a", a.instructions).add("instructions_b", b.instructions)
      .add("instructions_per_delivery", per).add("lost", a.run.lost + b.run.lost);
  emit(rec, o.json);
  return per > 0 && a.run.lost == 0 && b.run.lost == 0;
}

}  // namespace chatbench
