// Overloaded builds a visitor from one lambda per alternative, so std::visit over an event
// body fails to compile when a new event kind is added and one visitor forgets it.
#pragma once

namespace chatcore::model {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace chatcore::model
