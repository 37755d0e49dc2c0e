// The settings the user changes from the chat (/set, /ignore) and where they are kept.
#include "app.h"

namespace chat {

void App::settings_changed() {}

}  // namespace chat
