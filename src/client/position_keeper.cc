// The position file is a few text lines: a header, "direct ID", and "room HEX-NAME EPOCH ID"
// per room (the name in hex, so that no name can break a line).
#include "client/position_keeper.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>
#include <sstream>

#include "util/escape.h"
#include "util/hex.h"

namespace chatcore::client {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kHeader = "chatcore-position 1";

// Addresses hold ':' and sometimes '/', nicknames any UTF-8: both become one safe name.
std::string file_name_part(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                       c == '_';
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');  // nicknames fold case
    else if (plain) out += static_cast<char>(c);
    else out += fmt::format("%{:02x}", c);
  }
  return out.empty() || out[0] == '.' ? "_" + out : out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    for (char c : hex.substr(i, 2)) {
      const char* digits = "0123456789abcdef";
      const char* at = std::strchr(digits, c);
      if (c == '\0' || at == nullptr) return std::nullopt;
      value = value * 16 + static_cast<unsigned>(at - digits);
    }
    out += static_cast<char>(value);
  }
  return out;
}

std::string hex_of(const std::string& text) {
  return util::to_hex(std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

RoomPosition* find_room(ResumePosition& p, const std::string& room) {
  auto it = std::find_if(p.rooms.begin(), p.rooms.end(), [&](auto& r) { return r.room == room; });
  return it == p.rooms.end() ? nullptr : &*it;
}

}  // namespace

PositionKeeper::PositionKeeper(fs::path file) : file_(std::move(file)) {}

fs::path PositionKeeper::file_for(const fs::path& state_dir, const std::string& address,
                                  const std::string& nickname) {
  return state_dir / file_name_part(address) / (file_name_part(nickname) + ".position");
}

Status PositionKeeper::load() {
  std::lock_guard lock(mu_);
  if (file_.empty()) return {};
  std::ifstream in(file_);
  if (!in) return {};  // none yet
  const auto damaged = [&](int line) {
    return Status(Code::failed_precondition,
                  fmt::format("position file '{}' is damaged (line {}); remove it to start over "
                              "(recent history is then shown again)",
                              util::escape(file_.string(), 200), line));
  };
  ResumePosition loaded;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) {
      if (line != kHeader) return damaged(number);
      continue;
    }
    std::istringstream fields(line);
    std::string kind, name;
    RoomPosition room;
    fields >> kind;
    if (kind == "direct" && fields >> loaded.last_direct_id && fields.eof()) continue;
    if (kind == "room" && fields >> name >> room.epoch >> room.last_id && fields.eof()) {
      auto decoded = from_hex(name);
      if (!decoded) return damaged(number);
      room.room = std::move(*decoded);
      loaded.rooms.push_back(std::move(room));
      continue;
    }
    return damaged(number);
  }
  position_ = std::move(loaded);
  dirty_ = false;
  return {};
}

Status PositionKeeper::save() {
  std::lock_guard lock(mu_);
  if (!dirty_ || file_.empty()) return {};
  return write_locked();
}

Status PositionKeeper::write_locked() {
  std::string text = std::string(kHeader) + "\n";
  text += fmt::format("direct {}\n", position_.last_direct_id);
  for (const RoomPosition& r : position_.rooms) {
    text += fmt::format("room {} {} {}\n", hex_of(r.room), r.epoch, r.last_id);
  }
  const auto failed = [&](const char* doing) {
    return Status(Code::failed_precondition,
                  fmt::format("cannot {} position file '{}': {}", doing,
                              util::escape(file_.string(), 200), std::strerror(errno)));
  };
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  fs::permissions(file_.parent_path(), fs::perms::owner_all, ec);
  const fs::path temp = file_.string() + ".new";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return failed("create");
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int saved = errno;
  ::close(fd);
  if (!written) {
    errno = saved;
    ::unlink(temp.c_str());
    return failed("write");
  }
  if (::rename(temp.c_str(), file_.c_str()) != 0) return failed("replace");
  dirty_ = false;
  return {};
}

void PositionKeeper::reset(fs::path file) {
  std::lock_guard lock(mu_);
  file_ = std::move(file);
  position_ = {};
  dirty_ = false;
}

Status PositionKeeper::move_to(fs::path file) {
  std::lock_guard lock(mu_);
  const fs::path old = std::exchange(file_, std::move(file));
  if (old == file_) return {};
  Status st = file_.empty() ? Status() : write_locked();
  if (st.ok() && !old.empty()) ::unlink(old.c_str());
  return st;
}

ResumePosition PositionKeeper::position() const {
  std::lock_guard lock(mu_);
  return position_;
}

bool PositionKeeper::note(const Event& event) {
  std::lock_guard lock(mu_);
  bool moved = false;
  if (const auto* m = std::get_if<RoomMessage>(&event.body); m != nullptr && m->message_id != 0) {
    RoomPosition* at = find_room(position_, m->room);
    if (at == nullptr) {
      position_.rooms.push_back(RoomPosition{m->room, m->room_epoch, m->message_id});
      moved = true;
    } else if (at->epoch != m->room_epoch) {
      // A room deleted and created again: ids of its old life mean nothing in the new one.
      *at = RoomPosition{m->room, m->room_epoch, m->message_id};
      moved = true;
    } else if (m->message_id > at->last_id) {
      at->last_id = m->message_id;
      moved = true;
    }
  } else if (const auto* g = std::get_if<HistoryGap>(&event.body)) {
    // What follows starts at first_id. A position past it names messages the server no
    // longer has (it lost them, and gives their ids again): start over just before it.
    const std::uint64_t before = g->first_id == 0 ? 0 : g->first_id - 1;
    if (g->room.empty()) {
      if (position_.last_direct_id > before) {
        position_.last_direct_id = before;
        moved = true;
      }
    } else if (RoomPosition* at = find_room(position_, g->room); at == nullptr) {
      position_.rooms.push_back(RoomPosition{g->room, g->epoch, before});
      moved = true;
    } else if (at->epoch != g->epoch || at->last_id > before) {
      *at = RoomPosition{g->room, g->epoch, before};
      moved = true;
    }
  } else if (const auto* d = std::get_if<DirectMessage>(&event.body);
             d != nullptr && d->message_id > position_.last_direct_id) {
    position_.last_direct_id = d->message_id;
    moved = true;
  }
  dirty_ = dirty_ || moved;
  return moved;
}

void PositionKeeper::forget_room(const std::string& room) {
  std::lock_guard lock(mu_);
  const auto before = position_.rooms.size();
  std::erase_if(position_.rooms, [&](auto& r) { return r.room == room; });
  dirty_ = dirty_ || position_.rooms.size() != before;
}

bool PositionKeeper::enter_room(const RoomInfo& room) {
  std::lock_guard lock(mu_);
  return enter_locked(room);
}

bool PositionKeeper::enter_locked(const RoomInfo& room) {
  RoomPosition* at = find_room(position_, room.name);
  if (at != nullptr && at->epoch == room.epoch) return false;
  if (at == nullptr) {
    position_.rooms.push_back(RoomPosition{room.name, room.epoch, room.last_id});
  } else {
    *at = RoomPosition{room.name, room.epoch, room.last_id};
  }
  dirty_ = true;
  return true;
}

void PositionKeeper::keep_rooms(const std::vector<RoomInfo>& rooms) {
  std::lock_guard lock(mu_);
  const auto before = position_.rooms.size();
  std::erase_if(position_.rooms, [&](auto& r) {
    return std::none_of(rooms.begin(), rooms.end(), [&](auto& in) { return in.name == r.room; });
  });
  dirty_ = dirty_ || position_.rooms.size() != before;
  for (const auto& room : rooms) enter_locked(room);
}

}  // namespace chatcore::client
