// What chatd tells a supervising systemd (READY once the port is bound, STOPPING when a
// signal starts the shutdown) and whether its stderr is the journal. No-ops outside systemd.
#pragma once

#include <string_view>

namespace chatd {

void notify_ready(std::string_view status);
void notify_stopping();
// True when JOURNAL_STREAM names the device and inode of our stderr (systemd.exec(5)): the
// journal then stamps each line itself and reads a "<N>" prefix as its priority.
bool stderr_is_journal();

}  // namespace chatd
