// Counting the server's writes from the client side: every TCP data segment a server sends
// on loopback is one send call of under 64 KiB, and this process holds the receiving sockets.
#pragma once

#include <cstdint>
#include <string_view>

namespace chatbench {

// TCP data segments received so far on this process's sockets connected to 127.0.0.1:port
// (tcpi_data_segs_in); -1 when TCP_INFO cannot be read. Only sockets still open count, so
// read it before and after a phase while its connections stay open.
std::int64_t data_segments_from(int port);

// The port of a "HOST:PORT" address; 0 when there is none.
int port_of(const std::string_view& address);

}  // namespace chatbench
