// Free loopback ports for servers that must be told their port before they start
// (nats-server's client, route and monitor ports; chatd nodes a cluster names in advance).
#pragma once

#include <vector>

namespace chatbench {

// `count` distinct loopback TCP ports, each bound once to check that it is free and held
// until all are chosen. They come from below the kernel's ephemeral range: a port the
// kernel hands out for port 0 can go next to an outgoing connection (another test's
// client, a NATS route dialling out) in the moment between this check and the server's
// bind, and the server then fails with "address already in use"; one below that range is
// never given to a connection, only taken by a process that binds it by number. Falls back
// to kernel-picked ports when the range leaves no room below it. A 0 stands for a port
// that could not be picked at all.
std::vector<int> free_ports(int count);

}  // namespace chatbench
