#include "model/write_queue.h"

#include <doctest/doctest.h>

#include <memory>

using chatcore::Event;
using chatcore::EventPtr;
using chatcore::RoomMessage;
using chatcore::model::WriteQueue;

namespace {
EventPtr message(const std::string& text) {
  auto e = std::make_shared<Event>();
  e->body = RoomMessage{.message_id = 1, .room = "r", .sender = "a", .text = text};
  return e;
}
}  // namespace

TEST_CASE("the first push starts a write, later ones wait for it") {
  WriteQueue q({.max_events = 10, .max_bytes = 1 << 20});
  CHECK(q.push(message("a")) == WriteQueue::Push::start_write);
  auto batch = q.take_batch(100, 1 << 20);
  REQUIRE(batch.size() == 1);
  CHECK(q.writing());
  CHECK(q.push(message("b")) == WriteQueue::Push::queued);
  CHECK(q.push(message("c")) == WriteQueue::Push::queued);
  CHECK(q.write_done());
  batch = q.take_batch(100, 1 << 20);
  CHECK(batch.size() == 2);
  CHECK_FALSE(q.write_done());
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
  CHECK(q.push(message("d")) == WriteQueue::Push::start_write);
}

TEST_CASE("batches keep order and respect the event and byte caps") {
  WriteQueue q({.max_events = 100, .max_bytes = 1 << 20});
  for (int i = 0; i < 10; ++i) q.push(message(std::to_string(i)));
  auto first = q.take_batch(4, 1 << 20);
  REQUIRE(first.size() == 4);
  CHECK(std::get<RoomMessage>(first[0].event->body).text == "0");
  CHECK(std::get<RoomMessage>(first[3].event->body).text == "3");
  q.write_done();
  const auto one = chatcore::model::approx_bytes(*message("4"));
  auto second = q.take_batch(100, one * 2);
  CHECK(second.size() == 2);
  q.write_done();
  // A single event larger than the byte cap still goes out alone.
  auto third = q.take_batch(100, 1);
  CHECK(third.size() == 1);
}

TEST_CASE("a full queue refuses instead of growing") {
  WriteQueue q({.max_events = 3, .max_bytes = 1 << 20});
  CHECK(q.push(message("a")) == WriteQueue::Push::start_write);
  CHECK(q.take_batch(1, 1 << 20).size() == 1);  // "a" is being written
  CHECK(q.push(message("b")) == WriteQueue::Push::queued);
  CHECK(q.push(message("c")) == WriteQueue::Push::queued);
  CHECK(q.push(message("d")) == WriteQueue::Push::queued);
  CHECK(q.push(message("e")) == WriteQueue::Push::overflow);
  CHECK(q.size() == 3);

  WriteQueue small({.max_events = 100, .max_bytes = 200});
  CHECK(small.push(message(std::string(100, 'x'))) == WriteQueue::Push::start_write);
  CHECK(small.push(message(std::string(100, 'y'))) == WriteQueue::Push::overflow);
}

TEST_CASE("an event's shared encoding travels with it and its size counts") {
  WriteQueue q({.max_events = 100, .max_bytes = 1000});
  auto wire = std::make_shared<const std::string>(std::string(600, 'w'));
  auto e = message("x");
  CHECK(q.push(e, wire) == WriteQueue::Push::start_write);
  CHECK(q.bytes() > 600);
  // A second copy of the same 600-byte encoding would pass the 1000-byte bound.
  CHECK(q.push(e, wire) == WriteQueue::Push::overflow);
  auto batch = q.take_batch(10, 1 << 20);
  REQUIRE(batch.size() == 1);
  CHECK(batch[0].wire == wire);
  CHECK(batch[0].event == e);
}

TEST_CASE("dropping the backlog frees every queued event but leaves the write in flight") {
  WriteQueue q({.max_events = 100, .max_bytes = 1 << 20});
  q.push(message("in flight"));
  auto batch = q.take_batch(1, 1 << 20);
  REQUIRE(batch.size() == 1);
  auto queued = message("queued");
  std::weak_ptr<const Event> watch = queued;
  q.push(std::move(queued));
  q.push(message("queued too"));
  REQUIRE(q.size() == 2);
  q.drop_pending();
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
  CHECK(watch.expired());  // nothing of the backlog is held any more
  CHECK(q.writing());      // the write gRPC holds still completes
  CHECK_FALSE(q.write_done());
}

TEST_CASE("a queue that was written out holds no storage") {
  WriteQueue q({.max_events = 1000, .max_bytes = 1 << 20});
  for (int i = 0; i < 300; ++i) q.push(message("burst"));
  CHECK(q.capacity() >= 300);
  CHECK(q.take_batch(1000, 1 << 20).size() == 300);
  CHECK(q.capacity() == 0);  // the batch took the storage along
  q.write_done();

  for (int i = 0; i < 300; ++i) q.push(message("burst"));
  CHECK(q.take_batch(200, 1 << 20).size() == 200);
  q.write_done();
  CHECK(q.take_batch(200, 1 << 20).size() == 100);
  CHECK(q.capacity() == 0);  // the last of a backlog taken in parts frees it too
  CHECK(q.empty());
  CHECK(q.bytes() == 0);
}

TEST_CASE("a backlog taken in many small batches keeps its order") {
  WriteQueue q({.max_events = 1000, .max_bytes = 1 << 20});
  int pushed = 0;
  int taken = 0;
  // Pushes and partial takes interleave, so the taken head is compacted away many times.
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 7; ++i) q.push(message(std::to_string(pushed++)));
    for (const auto& item : q.take_batch(5, 1 << 20)) {
      CHECK(std::get<RoomMessage>(item.event->body).text == std::to_string(taken++));
    }
    q.write_done();
    CHECK(q.size() == static_cast<std::size_t>(pushed - taken));
  }
  while (!q.empty()) {
    for (const auto& item : q.take_batch(5, 1 << 20)) {
      CHECK(std::get<RoomMessage>(item.event->body).text == std::to_string(taken++));
    }
    q.write_done();
  }
  CHECK(taken == pushed);
  CHECK(q.bytes() == 0);
}
