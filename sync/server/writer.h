// The single writer: one thread that owns the storage and runs jobs in order,
// with group commit. It takes every job queued so far (up to kMaxGroup), runs
// them inside one storage group (ServerStorage::BeginGroup: each write its own
// savepoint), commits the group once, and only then runs each job's
// continuation with whether the commit held, so a push is acknowledged only
// once it is durable. Under load many pushes share one fsync; alone, a job is a
// group of one.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace cairn::server {

class Writer {
 public:
  // What a job leaves to do after the group's commit: true when it committed.
  using After = std::function<void(bool committed)>;
  using Job = std::function<After()>;
  // Brackets of a group on the writer thread. `begin` false: run the jobs without
  // a group (each write then commits on its own); `commit` false: nothing of the
  // group is stored.
  struct Group {
    std::function<bool()> begin;
    std::function<bool()> commit;
  };
  static constexpr size_t kMaxGroup = 64;

  explicit Writer(Group group) : group_(std::move(group)), thread_([this] { Loop(); }) {}
  ~Writer() { StopAndJoin(); }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Queues a job; false (and the job is dropped) once stopping.
  bool Post(Job job) {
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
    // Named for `top -H` and profilers: this thread is the server's ingest rate.
    pthread_setname_np(pthread_self(), "cairn-writer");
    std::vector<Job> jobs;
    std::vector<After> after;
    while (true) {
      jobs.clear();
      after.clear();
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping and drained
        while (!jobs_.empty() && jobs.size() < kMaxGroup) {
          jobs.push_back(std::move(jobs_.front()));
          jobs_.pop_front();
        }
      }
      const bool grouped = group_.begin();
      for (Job& job : jobs) after.push_back(job());
      const bool committed = !grouped || group_.commit();
      for (After& a : after) {
        if (a) a(committed);
      }
    }
  }

  Group group_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace cairn::server
