// A chat screen's model for key tests: alice in #general on a 12x80 layout, and a press()
// that runs the key handler on it as the app does.
#pragma once

#include "events.h"
#include "key_handlers.h"

namespace chat_test {

struct Chat {
  chat::ChatState state;
  chat::LineEditor input;
  chat::Completer completer;
  chat::Layout layout = chat::compute_layout(12, 80, 0);

  Chat() {
    state.apply(welcome("alice"));
    state.entered_room({"general", 2});
    state.set_message_width(layout.messages.cols);
  }
  chat::KeyEffect press(const chat::Key& key, chat::PathPrompt* prompt = nullptr) {
    return chat::handle_chat_key(key, state, input, completer, prompt, layout);
  }
};

}  // namespace chat_test
