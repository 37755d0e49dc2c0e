// Applies one decoded log command to a Store (a replica) through the same call the node that
// submitted it would have made, and hands back what that call gave as an Outcome.
#pragma once

#include <functional>

#include "cluster/log_write.h"
#include "store/store.h"

namespace chatcore::cluster {

using Applied = std::function<void(Result<Outcome>)>;

// `done` runs where the store posts its completions.
void apply_write(Write write, store::Store& replica, Applied done);

// The value a Store call of type T completes with, out of an Outcome (the caller knows which
// write it submitted, so the type always matches).
template <class T>
store::Done<Outcome> narrow(store::Done<T> done) {
  return [done = std::move(done)](Result<Outcome> r) {
    if (!r.ok()) return done(r.status());
    done(std::get<T>(std::move(*r)));
  };
}

}  // namespace chatcore::cluster
