// Tag is the interface of every object whose address is handed to gRPC as a completion-queue
// tag; MemberTag forwards one operation's completion to a member function of its owner.
#pragma once

namespace chatcore::transport {

class Tag {
 public:
  virtual void on_event(bool ok) = 0;

 protected:
  ~Tag() = default;
};

// Each outstanding operation of a call gets its own.
template <class Owner, void (Owner::*Handler)(bool)>
class MemberTag final : public Tag {
 public:
  explicit MemberTag(Owner* owner) : owner_(owner) {}
  void on_event(bool ok) override { (owner_->*Handler)(ok); }

 private:
  Owner* owner_;
};

}  // namespace chatcore::transport
