#include "transfer_jobs.h"

namespace chat {

namespace {
// Codes a dropped connection or a stopping server gives a call in flight; a local or a
// refused failure has others.
bool connection_lost(chatcore::Code code) {
  using chatcore::Code;
  return code == Code::unavailable || code == Code::cancelled || code == Code::deadline_exceeded ||
         code == Code::unknown;
}
}  // namespace

TransferEnd transfer_end(const TransferJob& job, const chatcore::Status& status, bool cancelled) {
  if (cancelled) return TransferEnd::cancelled;
  // A resumed upload meets the server's view of the earlier call (still running until the
  // server sees it end, or an offset the server no longer holds): asking again settles it.
  const bool upload_settling = job.upload && status.code == chatcore::Code::failed_precondition;
  if (connection_lost(status.code) || (job.resumable() && upload_settling)) {
    return job.resumable() ? TransferEnd::wait : TransferEnd::lost;
  }
  return TransferEnd::failed;
}

std::string guest_upload_lost(const std::string& name) {
  return "upload of " + name +
         " stopped: the connection was lost, and a guest cannot resume an upload (connect with "
         "an identity to resume)";
}

}  // namespace chat
