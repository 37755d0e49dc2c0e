// A transfer as the app runs it: what to send or fetch again after a lost connection, and
// the rule that says whether a call that ended without the file waits for the server.
#pragma once

#include <chatcore/client.h>

#include <filesystem>
#include <string>

namespace chat {

struct TransferJob {
  enum class Phase {
    running,     // a call is under way on the worker pool
    waiting,     // cut off: runs again once the session is back
    discarding,  // cancelled while waiting: the server's part goes once the session is back
  };
  Phase phase = Phase::running;
  bool upload = true;
  // An upload: the file, where it goes, and the key the server keeps its part under (empty
  // for a guest, whose part the server cannot give back after a reconnect).
  std::filesystem::path path;
  chatcore::Destination to;
  std::string key;
  // A download: the file and where it is saved; its .part file holds what arrived.
  chatcore::FileInfo file;
  std::filesystem::path dest;
  bool overwrite = false;

  bool resumable() const { return !upload || !key.empty(); }
};

// How a transfer's call that did not bring the file across ended.
enum class TransferEnd {
  cancelled,  // by /cancel
  wait,       // the connection or the server went away: run it again when it is back
  lost,       // the same, for a transfer that cannot continue (a guest's upload)
  failed,     // refused or broken: said on screen, not tried again
};

TransferEnd transfer_end(const TransferJob& job, const chatcore::Status& status, bool cancelled);

// The line shown for an upload a guest lost with its connection.
std::string guest_upload_lost(const std::string& name);

}  // namespace chat
