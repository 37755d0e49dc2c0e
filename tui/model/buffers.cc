#include "buffers.h"

#include <algorithm>
#include <iterator>

namespace chat {

BufferList::BufferList() { buffers_.emplace_back(); }

Buffer* BufferList::find(const BufferId& id) {
  auto it = std::find_if(buffers_.begin(), buffers_.end(), [&](auto& b) { return b.id == id; });
  return it == buffers_.end() ? nullptr : &*it;
}

const Buffer* BufferList::find(const BufferId& id) const { return const_cast<BufferList*>(this)->find(id); }

Buffer& BufferList::open(const BufferId& id) {
  if (Buffer* b = find(id)) return *b;
  auto at = buffers_.end();
  if (id.kind == BufferKind::room) {
    // after the server buffer and the rooms before it by name, before the DMs
    at = std::find_if(std::next(buffers_.begin()), buffers_.end(),
                      [&](auto& b) { return b.id.kind == BufferKind::dm || b.id.name > id.name; });
  }
  Buffer b;
  b.id = id;
  touch(b);
  return *buffers_.insert(at, std::move(b));
}

void BufferList::close(const BufferId& id) {
  auto it = std::find_if(buffers_.begin(), buffers_.end(), [&](auto& b) { return b.id == id; });
  if (it == buffers_.end() || id.kind == BufferKind::server) return;
  const bool was_focused = focused_ == id;
  it = buffers_.erase(it);
  if (!was_focused) return;
  // the server buffer stays first, so there is always one before
  focus(it != buffers_.end() && it->id.kind == id.kind ? it->id : std::prev(it)->id);
}

Buffer& BufferList::focused() { return *find(focused_); }
const Buffer& BufferList::focused() const { return *find(focused_); }

bool BufferList::focus(const BufferId& id) {
  Buffer* b = find(id);
  if (b == nullptr) return false;
  focused_ = id;
  b->unread = 0;
  b->highlight = false;
  if (id.kind == BufferKind::dm) touch(*b);
  return true;
}

bool BufferList::focus_number(int number) {
  if (number < 1 || number > static_cast<int>(buffers_.size())) return false;
  return focus(std::next(buffers_.begin(), number - 1)->id);
}

void BufferList::focus_next(int delta) {
  const int n = static_cast<int>(buffers_.size());
  const int from = number_of(focused_) - 1;
  focus_number(((from + delta) % n + n) % n + 1);
}

bool BufferList::focus_active() {
  const int n = static_cast<int>(buffers_.size());
  const int from = number_of(focused_) - 1;
  for (const bool want_highlight : {true, false}) {
    for (int step = 1; step < n; ++step) {
      const Buffer& b = *std::next(buffers_.begin(), (from + step) % n);
      if (b.unread > 0 && (b.highlight || !want_highlight)) return focus(b.id);
    }
  }
  return false;
}

int BufferList::number_of(const BufferId& id) const {
  int number = 1;
  for (const Buffer& b : buffers_) {
    if (b.id == id) return number;
    ++number;
  }
  return 0;
}

std::optional<BufferId> BufferList::find_by_name(std::string_view name) const {
  if (name == "lobby") return BufferId::server();
  const bool room_mark = name.starts_with('#');
  const bool dm_mark = name.starts_with('@');
  if (room_mark || dm_mark) name.remove_prefix(1);
  for (const BufferKind kind : {BufferKind::room, BufferKind::dm}) {
    if ((kind == BufferKind::room && dm_mark) || (kind == BufferKind::dm && room_mark)) continue;
    const BufferId id{kind, std::string(name)};
    if (find(id) != nullptr) return id;
  }
  return std::nullopt;
}

void BufferList::notify(Buffer& buffer, bool highlight) {
  if (buffer.id == focused_) return;
  ++buffer.unread;
  buffer.highlight = buffer.highlight || highlight;
}

}  // namespace chat
