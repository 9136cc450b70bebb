// The single writer: one thread that runs jobs in order and owns the storage.
// A later optimisation is group commit (several push batches in one transaction);
// today each batch is its own transaction.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace cairn::server {

class Writer {
 public:
  Writer() : thread_([this] { Loop(); }) {}
  ~Writer() { StopAndJoin(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues a job; false (and the job is dropped) once stopping.
  bool Post(std::function<void()> job) {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    jobs_.push_back(std::move(job));
    cv_.notify_one();
    return true;
  }

  // Runs the jobs already queued, then ends the thread. Idempotent.
  void StopAndJoin() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
      cv_.notify_one();
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Loop() {
    while (true) {
      std::function<void()> job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping and drained
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                   // guarded by mu_
  std::thread thread_;
};

}  // namespace cairn::server
