// PeerFetch is the client side of one Node.FetchFile call to the node that stores a file,
// started on the loop's own completion queue: its completions run on the loop thread like any
// call's, one Read in flight at a time, so a proxied download holds one chunk per direction.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <utility>
#include <string>

#include "node.grpc.pb.h"
#include "transport/tag.h"

namespace chatcore::transport {

class PeerFetch {
 public:
  // Each runs once on the loop thread, with the operation's ok.
  using Then = std::function<void(bool ok)>;
  using Finished = std::function<void(const grpc::Status&)>;

  // Starts the call; `started` runs when it is on its way (ok false: it never started).
  PeerFetch(cluster::Node::Stub& stub, grpc::CompletionQueue* cq, const std::string& secret,
            const std::string& file_id, std::uint64_t offset, Then started);
  PeerFetch(const PeerFetch&) = delete;
  PeerFetch& operator=(const PeerFetch&) = delete;

  // `then(true)`: chunk() holds the next chunk; `then(false)`: no more (call finish()).
  void read(Then then);
  std::string take_chunk() { return std::move(*response_.mutable_chunk()); }
  // Exactly once, with no read in flight: the owning node's status.
  void finish(Finished then);
  // Ends the call early: a read in flight comes back false.
  void cancel() { ctx_.TryCancel(); }
  bool finishing() const { return finishing_; }

 private:
  // A tag that runs the function it was given once.
  class Once final : public Tag {
   public:
    void arm(std::function<void(bool)> fn) { fn_ = std::move(fn); }
    void on_event(bool ok) override { std::exchange(fn_, nullptr)(ok); }

   private:
    std::function<void(bool)> fn_;
  };

  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientAsyncReader<cluster::FetchFileResponse>> reader_;
  cluster::FetchFileResponse response_;
  grpc::Status status_;
  Once start_;
  Once read_;
  Once finish_;
  bool finishing_ = false;
};

}  // namespace chatcore::transport
