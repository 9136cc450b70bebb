// A small classroom in an in-memory store for the learning-view tests: three
// competencies in a chain (frac.name -> frac.equivalent -> frac.compare) plus one
// on its own (place.value), a lesson of four items for each, and learners.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/store_testing.h"
#include "cairn/agent/store.h"
#include "cairn/platform/clock.h"

namespace cairn::testing {

class LearningWorld {
 public:
  LearningWorld() : clock_(1'795'168'800'000) {
    store_ = OpenInitialized(MemoryOptions(clock_), TestOrigin(7));
    Put("school", {{"school", "s1"}, {"name", "Riverside"}});
    Put("class", {{"class", "room12"}, {"school", "s1"}, {"name", "Room 12"}});
    Put("teacher", {{"teacher", "t.rivera"}, {"name", "Ms Rivera"}});
    Competency("frac.name", "Naming fractions", {});
    Competency("frac.equivalent", "Equivalent fractions", {"frac.name"});
    Competency("frac.compare", "Comparing fractions", {"frac.equivalent"});
    Competency("place.value", "Place value", {});
  }

  Store& store() { return *store_; }
  FakeClock& clock() { return clock_; }

  void Put(const std::string& kind, const nlohmann::json& body) {
    CAIRN_REQUIRE_OK(store_->Append(kind, body));
    clock_.Advance(1000);
  }

  // A competency with one lesson "<id>.lesson" of four items "<id>.1".."<id>.4".
  void Competency(const std::string& id, const std::string& title,
                  const std::vector<std::string>& prerequisites) {
    Put("competency", {{"competency", id}, {"title", title}, {"prerequisites", prerequisites}});
    std::vector<std::string> items;
    for (int i = 1; i <= 4; ++i) {
      std::string item = id + "." + std::to_string(i);
      items.push_back(item);
      Put("item", {{"item", item}, {"lesson", id + ".lesson"}, {"type", "numeric"}});
    }
    Put("lesson", {{"lesson", id + ".lesson"},
                   {"title", title + " practice"},
                   {"competencies", {id}},
                   {"items", items},
                   {"minutes", 15}});
  }

  void Learner(const std::string& id, const std::string& name) {
    Put("learner", {{"learner", id}, {"display_name", name}});
    Put("enrollment", {{"class", "room12"}, {"learner", id}, {"active", true}});
  }

  // `n` answers on the competency's items, all right or all wrong, a minute apart.
  void Answer(const std::string& learner, const std::string& competency, int n, bool correct) {
    for (int i = 0; i < n; ++i) {
      Put("attempt", {{"learner", learner},
                      {"item", competency + "." + std::to_string(i % 4 + 1)},
                      {"correct", correct}});
      clock_.Advance(60'000);
    }
  }
  void Master(const std::string& learner, const std::string& competency) {
    Answer(learner, competency, 8, true);
  }
  void Struggle(const std::string& learner, const std::string& competency) {
    Answer(learner, competency, 8, false);
  }

 private:
  FakeClock clock_;
  std::unique_ptr<Store> store_;
};

}  // namespace cairn::testing
