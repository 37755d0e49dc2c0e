// Hands a change another node committed to the shared log to this node's hub: each log write
// with its outcome becomes the ChatHub::remote_* call that takes it into memory.
#pragma once

#include "cluster/log_write.h"
#include "model/hub.h"

namespace chatcore::cluster {

// On the loop thread, in log order (LogStore's observer). A write every replica refused
// changed nothing, so it is not passed on.
void hand_to_hub(const LogChange& change, model::ChatHub& hub);

}  // namespace chatcore::cluster
