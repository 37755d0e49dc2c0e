#include "model/write_queue.h"

#include <iterator>
#include <variant>

#include "model/overloaded.h"

namespace chatcore::model {
namespace {
constexpr std::size_t kEventOverhead = 32;  // seq, time, tags and lengths
}

std::size_t approx_bytes(const Event& event) {
  if (event.notice) {
    return kEventOverhead +
           std::visit(Overloaded{
                          [](const TopicChanged& e) -> std::size_t {
                            return e.room.size() + e.topic.size() + e.by.size();
                          },
                          [](const PresenceChanged& e) -> std::size_t {
                            return e.nickname.size() + e.away_message.size() + 2;
                          },
                          [](const AwayNotice& e) -> std::size_t {
                            return e.nickname.size() + e.away_message.size();
                          },
                      },
                      *event.notice);
  }
  return kEventOverhead +
         std::visit(Overloaded{
                        [](const Welcome& e) -> std::size_t {
                          return e.session.size() + e.nickname.size() + e.server.size() + 16;
                        },
                        [](const RoomMessage& e) -> std::size_t {
                          return e.room.size() + e.sender.size() + e.text.size() + 24;
                        },
                        [](const DirectMessage& e) -> std::size_t {
                          return e.sender.size() + e.recipient.size() + e.text.size() + 16;
                        },
                        [](const MemberJoined& e) -> std::size_t {
                          return e.room.size() + e.nickname.size() + 4;
                        },
                        [](const MemberLeft& e) -> std::size_t {
                          return e.room.size() + e.nickname.size() + e.reason.size() + 4;
                        },
                        [](const NickChanged& e) -> std::size_t {
                          return e.old_nickname.size() + e.new_nickname.size() + e.room.size();
                        },
                        [](const FileNotice& e) -> std::size_t {
                          const auto& f = e.file;
                          return f.id.size() + f.name.size() + f.sender.size() + f.sha256.size() +
                                 f.room.size() + f.recipient.size() + 24;
                        },
                        [](const HistoryReplay& e) -> std::size_t { return e.room.size() + 4; },
                        [](const ShutdownNotice& e) -> std::size_t { return e.reason.size() + 2; },
                        [](const CaughtUp&) -> std::size_t { return 12; },
                        [](const HistoryGap& e) -> std::size_t { return e.room.size() + 24; },
                    },
                    event.body);
}

WriteQueue::Push WriteQueue::push(EventPtr event, std::shared_ptr<const std::string> wire) {
  // The encoding plus what each recipient adds (its seq and the framing).
  const std::size_t size = wire ? wire->size() + 16 : approx_bytes(*event);
  if (this->size() + 1 > bounds_.max_events || bytes_ + size > bounds_.max_bytes) {
    return Push::overflow;
  }
  items_.push_back(Item{std::move(event), std::move(wire), size});
  bytes_ += size;
  return writing_ ? Push::queued : Push::start_write;
}

std::vector<WriteQueue::Item> WriteQueue::take_batch(std::size_t max_events,
                                                     std::size_t max_bytes) {
  std::size_t end = head_;
  std::size_t taken_bytes = 0;
  while (end < items_.size() && end - head_ < max_events &&
         (end == head_ || taken_bytes + items_[end].bytes <= max_bytes)) {
    taken_bytes += items_[end].bytes;
    ++end;
  }
  writing_ = end != head_;
  bytes_ -= taken_bytes;
  std::vector<Item> batch;
  if (head_ == 0 && end == items_.size()) {
    batch.swap(items_);
    return batch;
  }
  const auto first = items_.begin() + static_cast<std::ptrdiff_t>(head_);
  const auto last = items_.begin() + static_cast<std::ptrdiff_t>(end);
  batch.assign(std::make_move_iterator(first), std::make_move_iterator(last));
  head_ = end;
  if (head_ == items_.size()) {
    drop_pending();
  } else if (head_ >= items_.size() / 2) {
    // Each compaction moves at most as many items as it drops: linear over the queue's life.
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  return batch;
}

bool WriteQueue::write_done() {
  writing_ = false;
  return !empty();
}

}  // namespace chatcore::model
