// A Participant that records what the hub delivers, for the hub tests.
#pragma once

#include "model/hub.h"

#include <doctest/doctest.h>

#include <string>
#include <variant>
#include <vector>

namespace chatcore::model::testing {

class FakeParticipant : public Participant {
 public:
  void deliver(const EventPtr& event) override { events.push_back(event); }
  void replaced() override { ++replaced_calls; }

  // Bodies of one event type, in delivery order.
  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (e->notice) continue;  // its body is not what it says
      if (const auto* body = std::get_if<T>(&e->body)) out.push_back(*body);
    }
    return out;
  }
  // Notices of one kind, in delivery order.
  template <class T>
  std::vector<T> notices() const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (!e->notice) continue;
      if (const auto* notice = std::get_if<T>(&*e->notice)) out.push_back(*notice);
    }
    return out;
  }
  template <class T>
  std::size_t count() const {
    return all<T>().size();
  }
  template <class T>
  T last() const {
    auto v = all<T>();
    REQUIRE_FALSE(v.empty());
    return v.back();
  }
  void clear() { events.clear(); }

  std::vector<EventPtr> events;
  int replaced_calls = 0;
};

// A hub with small limits so bounds are cheap to reach.
struct HubFixture {
  static HubConfig small_config() {
    HubConfig c;
    c.limits.history = 3;
    c.limits.max_message_bytes = 64;
    c.limits.max_file_size = 1024;
    c.server_name = "test-server";
    return c;
  }

  SessionId join(std::string_view nick, FakeParticipant& p) {
    auto r = hub.connect(nick, &p);
    REQUIRE(r.ok());
    return *r;
  }

  // An identity's session: `secret` stands for the hash of its secret.
  SessionId sign_in(std::string_view nick, std::string_view secret, FakeParticipant& p,
                    const ResumePosition& resume = {}) {
    auto r = hub.connect(nick, secret, &p, resume);
    REQUIRE_MESSAGE(r.ok(), r.status().to_string());
    return *r;
  }

  ChatHub hub{small_config()};
  FakeParticipant pa, pb, pc, pd;
};

}  // namespace chatcore::model::testing
