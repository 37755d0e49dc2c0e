// Uploads and downloads: the path prompt that picks a file, one worker job per transfer with
// its progress posted to the loop (at most every 100 ms), and the transfer bars' state.
#include "app.h"

#include "model/progress.h"

#include <charconv>
#include <chrono>

namespace chat {
namespace fs = std::filesystem;

double App::now_s() const {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

void App::open_prompt(PathPrompt prompt, std::function<void(const PathPrompt&)> on_accept) {
  prompt_.emplace(std::move(prompt));
  on_prompt_accept_ = std::move(on_accept);
}

chatcore::ProgressHandler App::progress_handler(int id) {
  auto cancel = cancel_transfers_;
  auto own = std::make_shared<std::atomic<bool>>(false);
  transfer_cancels_[id] = own;
  auto last_post = std::make_shared<double>(0);
  return [this, id, cancel, own, last_post](const chatcore::Progress& p) {
    const double now = now_s();
    if (now - *last_post >= 0.1 || p.done == p.total) {
      *last_post = now;
      asio::post(io_, [this, id, p, now] {
        auto it = state_.transfers.find(id);
        if (it == state_.transfers.end()) return;
        it->second.update(p.done, p.total, now);
        request_redraw();
      });
    }
    return !cancel->load() && !own->load();
  };
}

int App::add_transfer(bool upload, std::string name, std::uint64_t total) {
  const int id = ++next_transfer_id_;
  Transfer t;
  t.id = id;
  t.upload = upload;
  t.name = std::move(name);
  t.total = total;
  t.started_s = t.last_s = now_s();
  state_.transfers[id] = t;
  return id;
}

void App::start_upload(const fs::path& path, chatcore::Destination to) {
  ClientPtr client = client_;
  if (!client || mode_ != Mode::chat) {
    state_.add_error("not connected; nothing sent");
    return;
  }
  std::error_code ec;
  const int id = add_transfer(true, path.filename().string(), fs::file_size(path, ec));
  const std::string target = to.room.empty() ? to.recipient : "#" + to.room;
  asio::post(pool_, [this, client, path, to, id, target, progress = progress_handler(id)] {
    auto result = client->upload(path, to, progress);
    asio::post(io_, [this, id, target, name = path.filename().string(), result = std::move(result)] {
      state_.transfers.erase(id);
      if (finished_transfer(id) && !result.ok()) {
        // the client cancelled the call: the server drops what it had received
        state_.add_system("upload of " + name + " cancelled; the server keeps nothing of it");
      } else if (!result.ok()) {
        state_.add_error("upload failed: " + result.status().message);
      } else {
        state_.remember_files({result.value()}, false);
        state_.add_system("sent " + result->name + " (" + format_bytes(result->size) + ") to " + target);
      }
      request_redraw();
    });
  });
  request_redraw();
}

void App::start_download(const chatcore::FileInfo& file, const fs::path& dest, bool overwrite) {
  ClientPtr client = client_;
  if (!client || mode_ != Mode::chat) {
    state_.add_error("not connected; try again when connected");
    return;
  }
  const int id = add_transfer(false, file.name, file.size);
  asio::post(pool_, [this, client, file, dest, overwrite, id, progress = progress_handler(id)] {
    auto result = client->download(file.id, dest, overwrite, progress);
    asio::post(io_, [this, id, dest, name = file.name, result = std::move(result)] {
      state_.transfers.erase(id);
      if (finished_transfer(id) && !result.ok()) {
        state_.add_system("download of " + name + " cancelled; nothing was saved");
      } else if (!result.ok()) {
        state_.add_error("download failed: " + result.status().message);
      } else {
        state_.add_system("saved " + result->name + " (" + format_bytes(result->size) + ", sha256 checked) to " +
                          dest.string());
      }
      request_redraw();
    });
  });
  request_redraw();
}

bool App::finished_transfer(int id) {
  const auto it = transfer_cancels_.find(id);
  if (it == transfer_cancels_.end()) return false;
  const bool cancelled = it->second->load();
  transfer_cancels_.erase(it);
  return cancelled;
}

void App::cancel_transfer(const Command& cmd) {
  if (state_.transfers.empty()) {
    state_.add_error("/cancel: no transfer is running");
    return;
  }
  // N counts the transfer bars from the top (the oldest first); without N, the newest
  auto it = std::prev(state_.transfers.end());
  if (!cmd.args.empty()) {
    int n = 0;
    const std::string& arg = cmd.args[0];
    const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), n);
    if (ec != std::errc() || end != arg.data() + arg.size() || n < 1 ||
        n > static_cast<int>(state_.transfers.size())) {
      state_.add_error("/cancel: N is 1 to " + std::to_string(state_.transfers.size()) +
                       ", the transfer's place from the top");
      return;
    }
    it = std::next(state_.transfers.begin(), n - 1);
  }
  const auto flag = transfer_cancels_.find(it->first);
  if (flag != transfer_cancels_.end()) flag->second->store(true);
  state_.add_system(std::string("cancelling the ") + (it->second.upload ? "upload" : "download") + " of " +
                    it->second.name);
}

}  // namespace chat
