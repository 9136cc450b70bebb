// `cairn-server model fit`: parameters fitted on the school's pooled evidence reach
// devices as server ops and change their estimates.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <random>

#include "cairn/agent/mastery_store.h"
#include "cairn/sync/server/model_fit.h"
#include "cairn/sync/server/storage.h"

namespace cairn::testing {
namespace {

using nlohmann::json;

std::vector<Op> AllOps(server::ServerStorage& storage) {
  std::vector<Op> out;
  uint64_t cursor = 0;
  while (true) {
    auto page = storage.OpsAfter(cursor, 1000);
    REQUIRE(page.ok());
    for (Op& op : page->ops) out.push_back(std::move(op));
    cursor = page->next_cursor;
    if (!page->more) break;
  }
  return out;
}

}  // namespace

TEST_CASE("a model fitted on the school's evidence reaches a device and changes its estimates",
          "[sync]") {
  std::string pattern = (std::filesystem::temp_directory_path() / "cairn-fit-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()));
  std::filesystem::path dir = pattern;
  FakeClock clock(1'795'168'800'000);
  auto opened = server::OpenSqliteStorage({.dir = dir, .clock = &clock, .synchronous_full = false});
  REQUIRE(opened.ok());
  server::ServerStorage& storage = **opened;
  std::vector<std::pair<std::string, json>> content = {
      {"school", {{"school", "s1"}, {"name", "S"}}},
      {"class", {{"class", "A"}, {"name", "A"}}},
      {"competency", {{"competency", "add"}, {"title", "Adding"}}},
      {"lesson", {{"lesson", "l.add"}, {"title", "Adding"}, {"competencies", {"add"}}}},
      {"item", {{"item", "q.add"}, {"lesson", "l.add"}}},
  };
  for (int l = 0; l < 12; ++l) {
    std::string id = "l" + std::to_string(l);
    content.push_back({"learner", {{"learner", id}, {"display_name", id}}});
    content.push_back({"enrollment", {{"class", "A"}, {"learner", id}, {"active", true}}});
  }
  REQUIRE(storage.AppendServerOps(content).ok());
  // Pooled evidence from three devices: an easy item, mostly answered right.
  std::mt19937 rng(7);
  for (int dev = 0; dev < 3; ++dev) {
    Origin origin = Origin::Random();
    std::vector<Op> ops;
    for (int l = dev * 4; l < dev * 4 + 4; ++l) {
      for (int i = 0; i < 12; ++i) {
        ops.push_back(Op{origin, ops.size() + 1, MakeHlc(1'795'168'800'000 + i * 1000, 0),
                         "attempt",
                         {{"learner", "l" + std::to_string(l)},
                          {"item", "q.add"},
                          {"correct", rng() % 5 != 0}}});
      }
    }
    REQUIRE(storage.ApplyPush(origin, ops).ok());
  }

  // A device holding the school's data, before the fit.
  std::vector<Op> before = AllOps(storage);
  StoreOptions options;
  options.in_memory = true;
  options.clock = &clock;
  auto device = Store::Open(options);
  REQUIRE(device.ok());
  REQUIRE((*device)->Initialize(Origin::Random(), StoreMode::kDevice, storage.server_origin()).ok());
  REQUIRE((*device)->ApplyRemote(before).ok());
  auto model = LoadMasteryModel(**device, {});
  REQUIRE(model.ok());
  double p_before = model->Estimate("l0", "add").p_mastered;

  Result<server::ModelFitSummary> fit = server::FitAndPublishMastery(storage);
  REQUIRE(fit.ok());
  CHECK(fit->published == 1);
  CHECK(fit->attempts == 144);
  CHECK(fit->learners == 12);

  // The device pulls what is new: the mastery_params op, from the server's origin.
  std::vector<Op> after = AllOps(storage);
  REQUIRE(after.size() == before.size() + 1);
  const Op& params = after.back();
  CHECK(params.kind == "mastery_params");
  CHECK(params.origin == storage.server_origin());
  REQUIRE((*device)->ApplyRemote({params}).ok());
  auto refitted = LoadMasteryModel(**device, {});
  REQUIRE(refitted.ok());
  CHECK(refitted->ParamsFor("add").bkt.prior != BktParams().prior);
  CHECK(refitted->Estimate("l0", "add").p_mastered != p_before);
  opened->reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace cairn::testing
