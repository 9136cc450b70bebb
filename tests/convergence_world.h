// A seeded, simulated classroom for the convergence test: a school server (the
// authority) and a few enrolled devices, each with its own wrong-in-its-own-way
// clock, writing random ops and now and then syncing with each other.
//
// Everything is a function of the seed (origins included), so a failing seed can
// be replayed exactly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cairn/agent/store.h"
#include "cairn/platform/clock.h"

namespace cairn::testing {

// One store with the clock it reads. The clock outlives the store.
struct Replica {
  std::string name;
  std::unique_ptr<FakeClock> clock;
  std::unique_ptr<Store> store;
};

// Creates an in-memory store with its own fake clock. Returns nullptr and fills
// `error` when the store cannot be opened or initialized.
std::unique_ptr<Replica> MakeReplica(std::string name, const Origin& self, StoreMode mode,
                                     std::optional<Origin> authority, int64_t now_millis,
                                     std::string* error);

class World {
 public:
  explicit World(uint64_t seed);

  // Runs the simulation: the authority publishes a roster, then `steps` random
  // writes and exchanges. Returns an empty string, or what went wrong.
  std::string Run();

  // Every op written anywhere, once each, ordered by id.
  std::vector<Op> AllOps(std::string* error) const;

  std::mt19937_64& rng() { return rng_; }
  // A fresh origin id from the seeded generator.
  Origin NewOrigin();
  const Origin& authority_origin() const { return authority_->store->self(); }
  Replica& authority() { return *authority_; }
  std::vector<std::unique_ptr<Replica>>& devices() { return devices_; }
  // A one-line summary: devices, steps, ops by kind, exchanges.
  std::string Describe() const;

 private:
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  std::string Pick(const std::vector<std::string>& v) { return v[Below(v.size())]; }
  nlohmann::json SomeOf(const std::vector<std::string>& v, size_t max);

  void Tick(Replica& r);
  std::string Write(Replica& r, const std::string& kind, const nlohmann::json& body);
  std::string PublishRoster();
  std::string AuthorityEdit();
  std::string DeviceWrite(size_t device);
  std::string Exchange(size_t to, size_t from);
  nlohmann::json LwwEdit(std::string* kind);
  nlohmann::json Evidence(std::string* kind, size_t device);
  std::string SomeTarget(size_t device);

  uint64_t seed_;
  std::mt19937_64 rng_;
  int64_t base_millis_;
  std::unique_ptr<Replica> authority_;
  std::vector<std::unique_ptr<Replica>> devices_;
  // pulled_[to][from]: the OpsSince cursor `to` has reached in `from` (index 0 is
  // the authority, 1.. the devices).
  std::vector<std::vector<uint64_t>> pulled_;
  std::vector<std::string> learners_, classes_, teachers_, competencies_, lessons_, items_, goals_,
      groups_;
  std::vector<std::string> evidence_;  // ids of evidence ops written so far
  std::map<std::string, int> kinds_written_;
  int steps_ = 0;
  int exchanges_ = 0;
};

}  // namespace cairn::testing
