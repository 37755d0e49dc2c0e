// The completion-queue loop's plumbing in one include: Tag and MemberTag (tag.h), the
// interface of every completion-queue tag, and Waker (waker.h), the only way another thread
// reaches the loop thread.
#pragma once

#include "transport/tag.h"
#include "transport/waker.h"
