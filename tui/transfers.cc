// Uploads and downloads: the path prompt that picks a file, one worker job per transfer with
// its progress posted to the loop (at most every 100 ms), and the transfer bars' state. A
// transfer cut off with the connection waits and runs again once the session is back.
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
  // A transfer run again after a reconnect keeps the flag /cancel may have set.
  auto& own = transfer_cancels_[id];
  if (!own) own = std::make_shared<std::atomic<bool>>(false);
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
  TransferJob job;
  job.upload = true;
  job.path = path;
  job.to = std::move(to);
  // The server gives an identity's part back after a reconnect; a guest's it cannot.
  if (!client->welcome().guest) job.key = chatcore::Client::new_upload_key();
  jobs_[id] = std::move(job);
  run_transfer(id);
}

void App::start_download(const chatcore::FileInfo& file, const fs::path& dest, bool overwrite) {
  ClientPtr client = client_;
  if (!client || mode_ != Mode::chat) {
    state_.add_error("not connected; try again when connected");
    return;
  }
  const int id = add_transfer(false, file.name, file.size);
  TransferJob job;
  job.upload = false;
  job.file = file;
  job.dest = dest;
  job.overwrite = overwrite;
  jobs_[id] = std::move(job);
  run_transfer(id);
}

// One call of the transfer on the pool; a resumed one continues where the server (an upload)
// or the .part file (a download) stopped.
void App::run_transfer(int id) {
  ClientPtr client = client_;
  TransferJob& job = jobs_.at(id);
  job.phase = TransferJob::Phase::running;
  if (auto t = state_.transfers.find(id); t != state_.transfers.end()) t->second.note.clear();
  asio::post(pool_, [this, client, job, id, progress = progress_handler(id)] {
    auto result = !job.upload       ? client->download_resumable(job.file.id, job.dest, job.overwrite, progress)
                  : job.key.empty() ? client->upload(job.path, job.to, progress)
                                    : client->upload_resumable(job.path, job.to, job.key, progress);
    asio::post(io_, [this, id, result = std::move(result)] { transfer_ended(id, result); });
  });
  request_redraw();
}

void App::transfer_ended(int id, const chatcore::Result<chatcore::FileInfo>& result) {
  const auto found = jobs_.find(id);
  if (found == jobs_.end()) return;
  const TransferJob& job = found->second;
  const std::string name = job.upload ? job.path.filename().string() : job.file.name;
  const auto flag = transfer_cancels_.find(id);
  const bool cancelled = flag != transfer_cancels_.end() && flag->second->load();
  const TransferEnd end = result.ok() ? TransferEnd::failed : transfer_end(job, result.status(), cancelled);
  if (end == TransferEnd::wait && !quitting_) {
    found->second.phase = TransferJob::Phase::waiting;
    if (auto t = state_.transfers.find(id); t != state_.transfers.end()) t->second.note = "waiting for the server";
    request_redraw();
    return;
  }
  if (result.ok() && job.upload) {
    state_.remember_files({result.value()}, false);
    const std::string target = job.to.room.empty() ? job.to.recipient : "#" + job.to.room;
    state_.add_system("sent " + result->name + " (" + format_bytes(result->size) + ") to " + target);
  } else if (result.ok()) {
    state_.add_system("saved " + result->name + " (" + format_bytes(result->size) + ", sha256 checked) to " +
                      job.dest.string());
  } else if (end == TransferEnd::cancelled && job.upload) {
    // the client cancelled the call and had the server drop what it kept of it
    state_.add_system("upload of " + name + " cancelled; the server keeps nothing of it");
  } else if (end == TransferEnd::cancelled) {
    state_.add_system("download of " + name + " cancelled; nothing was saved");
  } else if (end == TransferEnd::lost) {
    state_.add_error(guest_upload_lost(name));
  } else {
    state_.add_error(std::string(job.upload ? "upload" : "download") + " failed: " + result.status().message);
  }
  forget_transfer(id);
  request_redraw();
}

void App::forget_transfer(int id) {
  state_.transfers.erase(id);
  jobs_.erase(id);
  transfer_cancels_.erase(id);
}

// Every second: the transfers a lost connection stopped run again once the session is back;
// if it ended for good, they end too.
void App::resume_transfers() {
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    const int id = it->first;
    TransferJob& job = (it++)->second;
    if (job.phase == TransferJob::Phase::running) continue;
    const std::string name = job.upload ? job.path.filename().string() : job.file.name;
    if (state_.connection == Connection::closed) {
      state_.add_error(std::string(job.upload ? "upload" : "download") + " of " + name +
                       " stopped: the session ended");
      forget_transfer(id);
      continue;
    }
    if (state_.connection != Connection::connected || !client_) continue;
    if (job.phase == TransferJob::Phase::waiting) {
      run_transfer(id);
      continue;
    }
    job.phase = TransferJob::Phase::running;  // the discard call, below
    ClientPtr client = client_;
    asio::post(pool_, [this, client, id, key = job.key, name] {
      auto discarded = client->upload_discard(key);
      asio::post(io_, [this, id, name, discarded = std::move(discarded)] {
        auto job = jobs_.find(id);
        if (job == jobs_.end()) return;
        if (!discarded.ok() && transfer_end(job->second, discarded.status(), false) == TransferEnd::wait) {
          job->second.phase = TransferJob::Phase::discarding;  // once the session is back
          return;
        }
        if (discarded.ok()) {
          state_.add_system("upload of " + name + " cancelled; the server keeps nothing of it");
        } else {
          state_.add_error("upload of " + name + " cancelled, but the server may keep its part until it expires: " +
                           discarded.status().message);
        }
        forget_transfer(id);
        request_redraw();
      });
    });
  }
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
  const int id = it->first;
  const auto flag = transfer_cancels_.find(id);
  if (flag != transfer_cancels_.end()) flag->second->store(true);
  state_.add_system(std::string("cancelling the ") + (it->second.upload ? "upload" : "download") + " of " +
                    it->second.name);
  const auto job = jobs_.find(id);
  if (job == jobs_.end() || job->second.phase != TransferJob::Phase::waiting) return;
  // No call runs to see the flag: end it here.
  if (!job->second.upload) {
    chatcore::Client::discard_download(job->second.file.id, job->second.dest);
    state_.add_system("download of " + it->second.name + " cancelled; nothing was saved");
    forget_transfer(id);
    return;
  }
  job->second.phase = TransferJob::Phase::discarding;
  it->second.note = "cancelling: the server's part goes once connected";
  resume_transfers();
}

}  // namespace chat
