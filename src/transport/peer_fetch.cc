#include "transport/peer_fetch.h"

#include "transport/cluster_files.h"

namespace chatcore::transport {

PeerFetch::PeerFetch(cluster::Node::Stub& stub, grpc::CompletionQueue* cq,
                     const std::string& secret, const std::string& file_id, std::uint64_t offset,
                     Then started) {
  ctx_.AddMetadata(ClusterFiles::kSecretKey, secret);
  cluster::FetchFileRequest request;
  request.set_file_id(file_id);
  request.set_offset(offset);
  reader_ = stub.PrepareAsyncFetchFile(&ctx_, request, cq);
  start_.arm(std::move(started));
  reader_->StartCall(&start_);
}

void PeerFetch::read(Then then) {
  read_.arm(std::move(then));
  reader_->Read(&response_, &read_);
}

void PeerFetch::finish(Finished then) {
  finishing_ = true;
  finish_.arm([this, then = std::move(then)](bool) { then(status_); });
  reader_->Finish(&status_, &finish_);
}

}  // namespace chatcore::transport
