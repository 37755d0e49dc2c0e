// Which ended transfer calls wait for the server, and the bar of one that waits.
#include "cells.h"
#include "progress.h"
#include "transfer_jobs.h"

#include <doctest/doctest.h>

using namespace chat;
using chatcore::Code;
using chatcore::Status;

TEST_CASE("a transfer cut off with the connection waits; a guest's upload cannot") {
  TransferJob upload;
  upload.upload = true;
  upload.key = "k0123456789abcdefghij";
  TransferJob download;
  download.upload = false;
  TransferJob guest_upload;
  guest_upload.upload = true;

  const Status lost(Code::unavailable, "connection reset");
  const Status shut(Code::cancelled, "the server is shutting down; the upload was cancelled");
  CHECK(transfer_end(upload, lost, false) == TransferEnd::wait);
  CHECK(transfer_end(upload, shut, false) == TransferEnd::wait);
  CHECK(transfer_end(download, lost, false) == TransferEnd::wait);
  CHECK(transfer_end(guest_upload, lost, false) == TransferEnd::lost);
  CHECK(guest_upload_lost("big.bin").find("a guest cannot resume an upload") != std::string::npos);

  // The server still sees the earlier attempt: an identity's upload asks again.
  const Status running(Code::failed_precondition, "that upload is still running on the server");
  CHECK(transfer_end(upload, running, false) == TransferEnd::wait);
  CHECK(transfer_end(download, running, false) == TransferEnd::failed);

  // /cancel wins over whatever the call ended with; refusals are not tried again.
  CHECK(transfer_end(upload, lost, true) == TransferEnd::cancelled);
  CHECK(transfer_end(upload, Status(Code::resource_exhausted, "quota"), false) == TransferEnd::failed);
  CHECK(transfer_end(download, Status(Code::data_loss, "sha256"), false) == TransferEnd::failed);
  CHECK(transfer_end(download, Status(Code::not_found, "no such file"), false) == TransferEnd::failed);
}

TEST_CASE("a waiting transfer's bar says so instead of a rate and an ETA") {
  Transfer t;
  t.name = "big.bin";
  t.update(512, 1024, 1.0);
  t.note = "waiting for the server";
  const std::string line = format_transfer(t, 100);
  CHECK(text_width(line) == 100);
  CHECK(line.find(" 50%") != std::string::npos);
  CHECK(line.find("waiting for the server") != std::string::npos);
  CHECK(line.find("ETA") == std::string::npos);
  t.note.clear();
  CHECK(format_transfer(t, 100).find("ETA") != std::string::npos);
}
