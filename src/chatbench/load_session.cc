// The shard thread's side of LoadClient: reading session streams, checking and timing every
// delivery, and issuing SendMessage calls (saturating or paced).
#include <grpc/support/time.h>

#include <fmt/format.h>

#include <charconv>

#include "chatbench/load_internal.h"

namespace chatbench {
namespace {
constexpr int kStampDigits = 20;  // the send time, in ns, leads the message text
constexpr std::int64_t kPaceTickUs = 250;
}  // namespace

int sender_index(const std::string& nickname) {
  std::size_t i = nickname.size();
  while (i > 0 && nickname[i - 1] >= '0' && nickname[i - 1] <= '9') --i;
  if (i == nickname.size()) return -1;
  int value = -1;
  std::from_chars(nickname.data() + i, nickname.data() + nickname.size(), value);
  return value;
}

LoadClient::Shard::Shard(int bytes) : text_bytes(bytes) {}

void LoadClient::Shard::run() {
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) static_cast<Tag*>(tag)->on_event(ok);
}

void LoadClient::Shard::send(Session& s) {
  v1::SendMessageRequest request;
  request.set_session(s.token);
  request.set_room(s.room);
  request.set_client_msg_id(s.next_msg++);
  std::string* text = request.mutable_text();
  *text = fmt::format("{:0{}}", now_ns(), kStampDigits);
  text->resize(static_cast<std::size_t>(text_bytes), 'x');
  auto* call = new UnaryCall<v1::SendResponse>;
  call->then = [this, &s](UnaryCall<v1::SendResponse>& c) {
    if (s.to_send > 0) {
      --s.to_send;
      send(s);
    }
    if (!c.status.ok()) {
      ++stats.send_errors;
    } else if (c.response.message_id() > s.acked_id.load(std::memory_order_relaxed)) {
      s.acked_id.store(c.response.message_id(), std::memory_order_release);
    }
    answered.fetch_add(1, std::memory_order_relaxed);
    in_flight.fetch_sub(1, std::memory_order_release);
  };
  in_flight.fetch_add(1, std::memory_order_relaxed);
  call->rpc = s.stub.PrepareAsyncSendMessage(&call->ctx, request, &cq);
  call->rpc->StartCall();
  call->rpc->Finish(&call->response, &call->status, call);
}

void LoadClient::Shard::on_pace(bool /*ok*/) {
  const std::int64_t now = now_ns();
  const std::int64_t until = std::min(now, pace_end);
  const auto due = static_cast<std::uint64_t>(static_cast<double>(until - pace_start) * pace_rate / 1e9);
  while (pace_issued < due && !pace_senders.empty()) {
    send(*pace_senders[pace_next++ % pace_senders.size()]);
    ++pace_issued;
  }
  if (now < pace_end) {
    pace_alarm.Set(&cq,
                   gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC),
                                gpr_time_from_micros(kPaceTickUs, GPR_TIMESPAN)),
                   &pace_tag);
  } else {
    pacing.store(false);
  }
}

LoadClient::Session::Session(int i, std::string nick, Shard& sh, v1::Chat::Stub& st)
    : index(i), nickname(std::move(nick)), shard(sh), stub(st) {}

void LoadClient::Session::start() {
  v1::ConnectRequest request;
  request.set_nickname(nickname);
  request.set_client("chatbench");
  shard.live.fetch_add(1);
  reader = stub.PrepareAsyncConnect(&ctx, request, &shard.cq);
  reader->StartCall(&start_tag);
}

void LoadClient::Session::on_start(bool ok) {
  if (ok) {
    reader->Read(&batch, &read_tag);
  } else {
    reader->Finish(&final_status, &finish_tag);
  }
}

void LoadClient::Session::on_read(bool ok) {
  if (!ok) {
    reader->Finish(&final_status, &finish_tag);
    return;
  }
  const std::int64_t now = now_ns();
  const std::uint64_t before = shard.stats.delivered;
  for (const auto& event : batch.events()) handle(event, now);
  shard.delivered.fetch_add(shard.stats.delivered - before, std::memory_order_relaxed);
  shard.events.fetch_add(static_cast<std::uint64_t>(batch.events_size()),
                         std::memory_order_relaxed);
  batch.Clear();
  if (shard.stall && !closing) {
    // Read again only when close() cancels the alarm: the stream's data waits on the server.
    stalled = true;
    resume_alarm.Set(&shard.cq, gpr_inf_future(GPR_CLOCK_MONOTONIC), &resume_tag);
    return;
  }
  reader->Read(&batch, &read_tag);
}

void LoadClient::Session::on_resume(bool /*ok*/) {
  stalled = false;
  reader->Read(&batch, &read_tag);
}

void LoadClient::Session::handle(const v1::Event& event, std::int64_t now) {
  auto& stats = shard.stats;
  if (event.seq() != last_seq + 1) ++stats.seq_gaps;
  last_seq = event.seq();
  ++stats.events;
  if (event.has_welcome()) {
    token = event.welcome().session();
    shard.welcomed.fetch_add(1);
    return;
  }
  if (!event.has_room_message()) return;
  const auto& m = event.room_message();
  if (m.replay()) return;
  ++stats.delivered;
  std::int64_t sent = 0;
  const std::string& text = m.text();
  const auto digits = std::min<std::size_t>(text.size(), kStampDigits);
  std::from_chars(text.data(), text.data() + digits, sent);
  stats.latency.record((now - sent) / 1000);
  if (shard.tracked > 0) {
    const int from = sender_index(m.sender());
    if (from >= 0 && from < shard.tracked) {
      auto& last = last_from[static_cast<std::size_t>(from)];
      if (m.message_id() <= last) ++stats.out_of_order;
      last = m.message_id();
    }
  }
}

void LoadClient::Session::on_finish(bool /*ok*/) {
  if (!closing) ++shard.stats.streams_ended;
  shard.live.fetch_sub(1);
}

}  // namespace chatbench
