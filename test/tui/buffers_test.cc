// The buffer list: its order (and so the Alt-number of each buffer), names, closing.
#include "buffers.h"

#include <doctest/doctest.h>

using namespace chat;

namespace {
std::vector<std::string> order(const BufferList& list) {
  std::vector<std::string> out;
  for (const Buffer& b : list.all()) out.push_back((b.id.kind == BufferKind::dm ? "@" : "#") + b.id.name);
  return out;
}
BufferList opened(std::initializer_list<BufferId> ids) {
  BufferList list;
  for (const BufferId& id : ids) list.open(id);
  return list;
}
}  // namespace

TEST_CASE("the lobby first, rooms by name, then DMs in the order they opened") {
  BufferList list = opened({BufferId::dm("zoe"), BufferId::room("random"), BufferId::dm("bob"),
                            BufferId::room("general")});
  list.open(BufferId::room("random"));  // already open: stays where it is
  CHECK(order(list) == std::vector<std::string>{"#", "#general", "#random", "@zoe", "@bob"});
  CHECK(list.number_of(BufferId::dm("bob")) == 5);
  CHECK(list.number_of(BufferId::dm("nobody")) == 0);
}

TEST_CASE("/buffer NAME: with or without # and @; a room wins over a DM of the same name") {
  const BufferList list = opened({BufferId::room("ops"), BufferId::dm("ops"), BufferId::dm("bob")});
  CHECK(list.find_by_name("ops") == BufferId::room("ops"));
  CHECK(list.find_by_name("#ops") == BufferId::room("ops"));
  CHECK(list.find_by_name("@ops") == BufferId::dm("ops"));
  CHECK(list.find_by_name("bob") == BufferId::dm("bob"));
  CHECK_FALSE(list.find_by_name("#bob"));
  CHECK(list.find_by_name("lobby") == BufferId::server());
  CHECK_FALSE(list.find_by_name("nobody"));
}

TEST_CASE("closing the buffer on screen shows the next of its kind, else the one before") {
  BufferList list =
      opened({BufferId::room("a"), BufferId::room("b"), BufferId::dm("bob"), BufferId::dm("carol")});
  REQUIRE(list.focus(BufferId::dm("bob")));
  list.close(BufferId::dm("bob"));
  CHECK(list.focused().id == BufferId::dm("carol"));
  list.close(BufferId::dm("carol"));
  CHECK(list.focused().id == BufferId::room("b"));  // no DM left: the one before
  list.close(BufferId::room("a"));                   // not on screen: the focus stays
  CHECK(list.focused().id == BufferId::room("b"));
  list.close(BufferId::room("b"));
  CHECK(list.focused().id == BufferId::server());
  list.close(BufferId::server());  // the lobby stays
  CHECK(list.all().size() == 1);
}

TEST_CASE("lines count in the hotlist only where the buffer is not on screen") {
  BufferList list;
  Buffer& room = list.open(BufferId::room("a"));
  Buffer& dm = list.open(BufferId::dm("bob"));
  list.focus(BufferId::room("a"));
  list.notify(room, true);
  list.notify(dm, false);
  list.notify(dm, true);
  CHECK(room.unread == 0);
  CHECK_FALSE(room.highlight);
  CHECK(dm.unread == 2);
  CHECK(dm.highlight);
  list.focus_next(1);
  CHECK(list.focused().id == BufferId::dm("bob"));
  CHECK(dm.unread == 0);
  list.focus_next(1);  // around to the lobby
  CHECK(list.focused().id == BufferId::server());
}
