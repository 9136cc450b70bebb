// Replicas merging each other's ops: last writer wins per field, grow-only
// evidence, idempotent and order-independent ApplyRemote, server authority.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "agent/store_testing.h"
#include "cairn/agent/store.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::AllOps;
using testing::MakeOp;
using testing::MemoryOptions;
using testing::Must;
using testing::OpenInitialized;
using testing::Problems;
using testing::TestOrigin;

constexpr int64_t kT = 1'790'000'000'000;

Hlc At(int64_t offset_ms, uint16_t counter = 0) { return MakeHlc(kT + offset_ms, counter); }

TEST_CASE("concurrent edits of one field are won by the higher hlc then origin in any order",
          "[agent]") {
  FakeClock clock(kT);
  Origin low = TestOrigin(1), high = TestOrigin(2);
  REQUIRE(low < high);
  Origin self = TestOrigin(7);

  struct Case {
    const char* what;
    Op first, second;  // `second` is the one that must win
  };
  for (const Case& c : {
           Case{"later stamp wins over a higher origin",
                MakeOp(high, 1, At(0), "profile", {{"learner", "l"}, {"interests", {"A"}}}),
                MakeOp(low, 1, At(1), "profile", {{"learner", "l"}, {"interests", {"B"}}})},
           Case{"same stamp: the higher origin breaks the tie",
                MakeOp(low, 1, At(5, 3), "profile", {{"learner", "l"}, {"interests", {"A"}}}),
                MakeOp(high, 1, At(5, 3), "profile", {{"learner", "l"}, {"interests", {"B"}}})},
           Case{"the counter orders stamps in one millisecond",
                MakeOp(high, 1, At(5, 3), "profile", {{"learner", "l"}, {"interests", {"A"}}}),
                MakeOp(low, 1, At(5, 4), "profile", {{"learner", "l"}, {"interests", {"B"}}})},
       }) {
    INFO(c.what);
    std::unique_ptr<Store> forward = OpenInitialized(MemoryOptions(clock), self);
    std::unique_ptr<Store> backward = OpenInitialized(MemoryOptions(clock), self);
    std::unique_ptr<Store> batch = OpenInitialized(MemoryOptions(clock), self);
    Must(forward->ApplyRemote({c.first}));
    Must(forward->ApplyRemote({c.second}));
    Must(backward->ApplyRemote({c.second}));
    Must(backward->ApplyRemote({c.first}));
    Must(batch->ApplyRemote({c.second, c.first}));
    for (Store* s : {forward.get(), backward.get(), batch.get()}) {
      CHECK(Must(s->Entity("profile", "l"))->at("interests") == json({"B"}));
    }
    CHECK(Must(forward->Digest()) == Must(backward->Digest()));
    CHECK(Must(forward->Digest()) == Must(batch->Digest()));
  }
}

TEST_CASE("edits of different fields from two devices both survive", "[agent]") {
  FakeClock clock(kT);
  Origin tablet = TestOrigin(1), laptop = TestOrigin(2);
  std::vector<Op> ops = {
      MakeOp(tablet, 1, At(0), "goal", {{"goal", "g"}, {"learner", "l"}, {"text", "read"}}),
      MakeOp(tablet, 2, At(50), "goal", {{"goal", "g"}, {"text", "read 3 books"}}),
      MakeOp(laptop, 1, At(10), "goal", {{"goal", "g"}, {"status", "achieved"}}),
      MakeOp(laptop, 2, At(20), "goal", {{"goal", "g"}, {"text", "read 2 books"}}),
  };
  json expected = {
      {"goal", "g"}, {"learner", "l"}, {"text", "read 3 books"}, {"status", "achieved"}};
  std::vector<Op> order = ops;
  std::sort(order.begin(), order.end(), [](const Op& a, const Op& b) { return a.hlc < b.hlc; });
  do {
    std::unique_ptr<Store> s = OpenInitialized(MemoryOptions(clock), TestOrigin(9));
    for (const Op& op : order) Must(s->ApplyRemote({op}));
    CHECK(*Must(s->Entity("goal", "g")) == expected);
  } while (std::next_permutation(order.begin(), order.end(),
                                 [](const Op& a, const Op& b) { return a.hlc < b.hlc; }));
}

TEST_CASE("a local edit stamped before a remote one loses even when applied later", "[agent]") {
  FakeClock clock(kT);  // our wall clock is behind the other device's
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  Must(store->ApplyRemote(
      {MakeOp(TestOrigin(2), 1, At(30'000), "profile", {{"learner", "l"}, {"about", "remote"}})}));
  // Having seen the remote stamp, our next write is stamped after it and wins.
  Must(store->Append("profile", {{"learner", "l"}, {"about", "local, seen remote"}}));
  CHECK(Must(store->Entity("profile", "l"))->at("about") == "local, seen remote");

  std::unique_ptr<Store> fresh = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  Must(fresh->Append("profile", {{"learner", "l"}, {"about", "local, not seen"}}));
  Must(fresh->ApplyRemote(
      {MakeOp(TestOrigin(2), 1, At(30'000), "profile", {{"learner", "l"}, {"about", "remote"}})}));
  CHECK(Must(fresh->Entity("profile", "l"))->at("about") == "remote");
}

TEST_CASE("a retraction counts whether it arrives before or after its target", "[agent]") {
  FakeClock clock(kT);
  Origin tablet = TestOrigin(1), teacher = TestOrigin(2);
  Op attempt =
      MakeOp(tablet, 1, At(0), "attempt", {{"learner", "l"}, {"item", "i"}, {"correct", true}});
  Op retract = MakeOp(teacher, 1, At(5), "retract", {{"target", attempt.id().ToString()}});
  Op correction = MakeOp(tablet, 2, At(9), "attempt",
                         {{"learner", "l"},
                          {"item", "i"},
                          {"correct", false},
                          {"supersedes", attempt.id().ToString()}});
  std::unique_ptr<Store> a = OpenInitialized(MemoryOptions(clock), TestOrigin(9));
  std::unique_ptr<Store> b = OpenInitialized(MemoryOptions(clock), TestOrigin(9));
  Must(a->ApplyRemote({attempt, retract, correction}));
  Must(b->ApplyRemote({correction}));
  Must(b->ApplyRemote({retract}));
  CHECK(Must(b->EvidenceFor("l")).size() == 1);  // the target is not here yet
  Must(b->ApplyRemote({attempt}));
  for (Store* s : {a.get(), b.get()}) {
    std::vector<Evidence> ev = Must(s->EvidenceFor("l"));
    REQUIRE(ev.size() == 2);
    CHECK(ev[0].op.id() == attempt.id());
    CHECK(ev[0].retracted);
    CHECK(ev[1].op.id() == correction.id());
    CHECK_FALSE(ev[1].retracted);
  }
  CHECK(Must(a->Digest()) == Must(b->Digest()));
}

// Ops from a server and three devices, with conflicts, corrections and an
// observation of two learners.
std::vector<Op> ClassroomOps() {
  Origin server = TestOrigin(100), d1 = TestOrigin(1), d2 = TestOrigin(2), d3 = TestOrigin(3);
  std::vector<Op> ops;
  uint64_t s = 0;
  for (const char* l : {"l-1", "l-2", "l-3"}) {
    ++s;
    ops.push_back(MakeOp(server, s, At(static_cast<int64_t>(s)), "learner",
                         {{"learner", l}, {"given_name", std::string("name of ") + l}}));
    ++s;
    ops.push_back(MakeOp(server, s, At(static_cast<int64_t>(s)), "enrollment",
                         {{"class", "c-1"}, {"learner", l}, {"active", true}}));
  }
  ops.push_back(MakeOp(server, ++s, At(100), "learner", {{"learner", "l-2"}, {"archived", true}}));
  uint64_t n1 = 0, n2 = 0, n3 = 0;
  for (int i = 0; i < 6; ++i) {
    ops.push_back(
        MakeOp(d1, ++n1, At(200 + i), "attempt",
               {{"learner", "l-1"}, {"item", "i-" + std::to_string(i)}, {"correct", i % 2 == 0}}));
    ops.push_back(MakeOp(d2, ++n2, At(200 + i), "attempt",
                         {{"learner", "l-2"},
                          {"item", "i-" + std::to_string(i)},
                          {"correct", true},
                          {"score", 0.5}}));
  }
  ops.push_back(
      MakeOp(d1, ++n1, At(300), "profile", {{"learner", "l-1"}, {"interests", {"maps"}}}));
  ops.push_back(
      MakeOp(d2, ++n2, At(300), "profile", {{"learner", "l-1"}, {"interests", {"boats"}}}));
  ops.push_back(MakeOp(d3, ++n3, At(250), "profile", {{"learner", "l-1"}, {"languages", {"es"}}}));
  ops.push_back(MakeOp(d3, ++n3, At(400), "observation",
                       {{"teacher", "t-1"},
                        {"learners", {"l-1", "l-3"}},
                        {"competency", "c-1"},
                        {"level", 4},
                        {"modality", "project"}}));
  ops.push_back(MakeOp(d3, ++n3, At(410), "retract", {{"target", OpId{d1, 2}.ToString()}}));
  ops.push_back(MakeOp(d2, ++n2, At(420), "attempt",
                       {{"learner", "l-2"},
                        {"item", "i-0"},
                        {"correct", false},
                        {"supersedes", OpId{d2, 1}.ToString()}}));
  ops.push_back(MakeOp(d3, ++n3, At(430), "group",
                       {{"group", "g-1"}, {"class", "c-1"}, {"members", {"l-1", "l-3"}}}));
  ops.push_back(MakeOp(d1, ++n1, At(430), "group", {{"group", "g-1"}, {"name", "Otters"}}));
  return ops;
}

TEST_CASE("replicas that apply the same ops in any order end up identical", "[agent]") {
  FakeClock clock(kT);
  Origin server = TestOrigin(100);
  std::vector<Op> ops = ClassroomOps();
  std::unique_ptr<Store> reference =
      OpenInitialized(MemoryOptions(clock), TestOrigin(50), StoreMode::kDevice, server);
  Must(reference->ApplyRemote(ops));
  std::string digest = Must(reference->Digest());

  std::mt19937 rng(12345);
  for (int round = 0; round < 8; ++round) {
    INFO("round " << round);
    std::vector<Op> shuffled = ops;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    // Duplicates, as a retried sync would send.
    for (size_t i = 0; i < 5; ++i) shuffled.push_back(shuffled[rng() % ops.size()]);
    std::unique_ptr<Store> replica =
        OpenInitialized(MemoryOptions(clock), TestOrigin(60), StoreMode::kDevice, server);
    size_t applied = 0, duplicates = 0;
    for (size_t at = 0; at < shuffled.size();) {
      size_t n = 1 + rng() % 6;
      std::vector<Op> batch(
          shuffled.begin() + static_cast<std::ptrdiff_t>(at),
          shuffled.begin() + static_cast<std::ptrdiff_t>(std::min(at + n, shuffled.size())));
      at += batch.size();
      ApplyStats stats = Must(replica->ApplyRemote(batch));
      applied += stats.applied;
      duplicates += stats.duplicates;
    }
    CHECK(applied == ops.size());
    CHECK(duplicates == 5);
    CHECK(Must(replica->Digest()) == digest);
    CHECK(Must(replica->Entities("profile")) == Must(reference->Entities("profile")));
    CHECK(Problems(*replica).empty());
  }

  // Spot checks that the agreed state is the right one.
  json profile = *Must(reference->Entity("profile", "l-1"));
  CHECK(profile["interests"] == json({"boats"}));  // same stamp, origin 2 > origin 1
  CHECK(profile["languages"] == json({"es"}));
  CHECK(Must(reference->Entity("learner", "l-2"))->at("archived") == true);
  CHECK(
      *Must(reference->Entity("group", "g-1")) ==
      json({{"group", "g-1"}, {"class", "c-1"}, {"members", {"l-1", "l-3"}}, {"name", "Otters"}}));
  CHECK(Must(reference->EvidenceFor("l-3")).size() == 1);
  size_t retracted = 0;
  for (const Evidence& e : Must(reference->EvidenceFor("l-1"))) retracted += e.retracted;
  CHECK(retracted == 1);

  SECTION("and a different digest means different state") {
    std::unique_ptr<Store> missing_one =
        OpenInitialized(MemoryOptions(clock), TestOrigin(60), StoreMode::kDevice, server);
    Must(missing_one->ApplyRemote(std::vector<Op>(ops.begin(), ops.end() - 1)));
    CHECK(Must(missing_one->Digest()) != digest);
  }
}

TEST_CASE("applying a batch again changes nothing and counts duplicates", "[agent]") {
  FakeClock clock(kT);
  std::vector<Op> ops = ClassroomOps();
  std::unique_ptr<Store> store =
      OpenInitialized(MemoryOptions(clock), TestOrigin(50), StoreMode::kDevice, TestOrigin(100));
  ApplyStats first = Must(store->ApplyRemote(ops));
  CHECK(first.applied == ops.size());
  CHECK(first.duplicates == 0);
  std::string digest = Must(store->Digest());
  uint64_t cursor = Must(store->Stats()).last_cursor;

  ApplyStats again = Must(store->ApplyRemote(ops));
  CHECK(again.applied == 0);
  CHECK(again.duplicates == ops.size());
  CHECK(Must(store->Digest()) == digest);
  CHECK(Must(store->Stats()).last_cursor == cursor);  // nothing new to pull from us

  ApplyStats within = Must(store->ApplyRemote({ops[0], ops[0]}));
  CHECK(within.duplicates == 2);
  CHECK(Must(store->ApplyRemote({})).applied == 0);
}

TEST_CASE("an op id that comes back with different content is refused", "[agent]") {
  FakeClock clock(kT);
  Origin other = TestOrigin(2);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  Op original = MakeOp(other, 1, At(0), "signin", {{"learner", "l-1"}});
  Must(store->ApplyRemote({original}));
  std::string digest = Must(store->Digest());

  Op changed = original;
  SECTION("another body") { changed.body["learner"] = "l-2"; }
  SECTION("another stamp") { changed.hlc += 1; }
  SECTION("another kind") {
    changed.kind = "attempt";
    changed.body = {{"learner", "l-1"}, {"item", "i"}, {"correct", true}};
  }
  Op innocent = MakeOp(other, 2, At(1), "signin", {{"learner", "l-1"}});
  Result<ApplyStats> r = store->ApplyRemote({innocent, changed});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(r.status().message(), Catch::Contains(original.id().ToString()));
  CHECK_THAT(r.status().message(), Catch::Contains("differs"));
  CHECK(Must(store->Digest()) == digest);  // the innocent op was not stored either
  CHECK(AllOps(*store).size() == 1);
}

TEST_CASE("one of our own op ids arriving with other content means a cloned identity", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  OpId mine = Must(store->Append("signin", {{"learner", "me"}}));
  Result<ApplyStats> clone =
      store->ApplyRemote({MakeOp(mine.origin, mine.seq, At(7), "signin", {{"learner", "you"}})});
  CHECK(clone.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(clone.status().message(), Catch::Contains("prepare-image"));
  CHECK(AllOps(*store).front().body.at("learner") == "me");
  CHECK(Must(store->Append("signin", {{"learner", "me"}})).seq == 2);
}

TEST_CASE("on an enrolled device only the school server may author its records", "[agent]") {
  FakeClock clock(kT);
  Origin self = TestOrigin(1), server = TestOrigin(100), peer = TestOrigin(2);
  std::unique_ptr<Store> store =
      OpenInitialized(MemoryOptions(clock), self, StoreMode::kDevice, server);

  SECTION("from the server they apply") {
    Must(store->ApplyRemote(
        {MakeOp(server, 1, At(0), "learner", {{"learner", "l"}, {"given_name", "A"}}),
         MakeOp(server, 2, At(1), "class", {{"class", "c"}, {"name", "Room 1"}})}));
    CHECK(Must(store->Entity("learner", "l")).has_value());
  }
  SECTION("from another device the whole batch is refused") {
    Op ok = MakeOp(server, 1, At(0), "learner", {{"learner", "l"}, {"given_name", "A"}});
    Op forged =
        MakeOp(peer, 1, At(1), "enrollment", {{"class", "c"}, {"learner", "l"}, {"active", true}});
    Result<ApplyStats> r = store->ApplyRemote({ok, forged});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::Contains(forged.id().ToString()));
    CHECK_THAT(r.status().message(), Catch::Contains("school server"));
    CHECK(AllOps(*store).empty());
  }
  SECTION("written here they are refused, and device records are not") {
    for (const char* kind : {"learner", "class", "school", "enrollment", "pack", "item"}) {
      INFO(kind);
      const KindSpec* spec = FindKind(kind);
      json body = {{std::string(spec->fields[0].name), "x"},
                   {std::string(spec->fields[1].name), "y"}};
      if (spec->key_fields == 2) body["active"] = true;
      if (std::string_view(kind) == "item") body = {{"item", "x"}, {"type", "text"}};
      CAIRN_REQUIRE_OK(ValidateBody(*spec, body));
      Result<OpId> r = store->Append(kind, body);
      CHECK(r.status().code() == Status::Code::kFailedPrecondition);
      CHECK_THAT(r.status().message(), Catch::Contains("school server"));
    }
    CHECK(Must(store->Append("profile", {{"learner", "l"}, {"about", "hi"}})).seq == 1);
    CHECK(
        Must(store->Append("attempt", {{"learner", "l"}, {"item", "i"}, {"correct", true}})).seq ==
        2);
  }
}

TEST_CASE("a standalone classroom is its own authority until it enrolls", "[agent]") {
  FakeClock clock(kT);
  Origin self = TestOrigin(1), server = TestOrigin(100);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), self);
  OpId learner = Must(store->Append("learner", {{"learner", "l"}, {"given_name", "Ana"}}));
  Result<ApplyStats> other = store->ApplyRemote(
      {MakeOp(TestOrigin(2), 1, At(0), "learner", {{"learner", "x"}, {"given_name", "X"}})});
  CHECK(other.status().code() == Status::Code::kInvalidArgument);

  CAIRN_REQUIRE_OK(store->SetAuthority(server));
  CHECK(store->mode() == StoreMode::kDevice);
  CHECK(store->Append("learner", {{"learner", "l"}, {"given_name", "Anna"}}).status().code() ==
        Status::Code::kFailedPrecondition);
  // What it authored before enrolling still counts.
  CHECK(Must(store->Entity("learner", "l"))->at("given_name") == "Ana");
  Must(store->ApplyRemote(
      {MakeOp(server, 1, At(0), "learner", {{"learner", "m"}, {"given_name", "M"}})}));
  CHECK(Must(store->Entities("learner")).size() == 2);

  SECTION("and its own records coming back from the server are not refused") {
    std::vector<Op> mine = Must(store->OwnOpsAfter(0, 10));
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].id() == learner);
    Result<ApplyStats> echo = store->ApplyRemote(mine);
    INFO(echo.status().ToString());
    REQUIRE(echo.ok());
    CHECK(echo->duplicates == 1);
  }
}

TEST_CASE("a device restored from the server continues its own numbering", "[agent]") {
  FakeClock clock(kT);
  Origin self = TestOrigin(1);
  std::unique_ptr<Store> lost = OpenInitialized(MemoryOptions(clock), self);
  for (int i = 0; i < 4; ++i) Must(lost->Append("signin", {{"learner", "l"}}));
  std::vector<Op> pushed = Must(lost->OwnOpsAfter(0, 100));

  std::unique_ptr<Store> restored = OpenInitialized(MemoryOptions(clock), self);
  Must(restored->ApplyRemote(pushed));
  CHECK(Must(restored->Stats()).own_ops == 4);
  OpId next = Must(restored->Append("signin", {{"learner", "l"}}));
  CHECK(next.seq == 5);
  CHECK(AllOps(*restored).back().hlc > pushed.back().hlc);
  CHECK(Problems(*restored).empty());
}

TEST_CASE("a stamp far in the future moves our clock at most an hour ahead", "[agent]") {
  FakeClock clock(kT);
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), TestOrigin(1));
  Hlc year_ahead = At(365LL * 24 * 3'600'000);
  Must(store->ApplyRemote({MakeOp(TestOrigin(2), 1, year_ahead, "signin", {{"learner", "l"}})}));
  CHECK(store->clock() == At(HybridClock::kMaxForwardDriftMillis));
  Must(store->Append("signin", {{"learner", "l"}}));
  CHECK(HlcMillis(AllOps(*store).back().hlc) == kT + HybridClock::kMaxForwardDriftMillis);
}

// A correct device never stamps two ops alike, but a restored or cloned install
// can; replicas must still agree on the winner.
TEST_CASE("two edits with the same stamp and origin resolve the same way everywhere", "[agent]") {
  FakeClock clock(kT);
  Origin twin = TestOrigin(4);
  Op a = MakeOp(twin, 1, At(10), "profile",
                {{"learner", "l"}, {"about", "first"}, {"languages", {"en"}}});
  Op b = MakeOp(twin, 2, At(10), "profile",
                {{"learner", "l"}, {"about", "second"}, {"languages", {"es"}}});
  std::unique_ptr<Store> ab = OpenInitialized(MemoryOptions(clock), TestOrigin(9));
  std::unique_ptr<Store> ba = OpenInitialized(MemoryOptions(clock), TestOrigin(9));
  Must(ab->ApplyRemote({a}));
  Must(ab->ApplyRemote({b}));
  Must(ba->ApplyRemote({b}));
  Must(ba->ApplyRemote({a}));
  CHECK(*Must(ab->Entity("profile", "l")) == *Must(ba->Entity("profile", "l")));
  CHECK(Must(ab->Digest()) == Must(ba->Digest()));
  CAIRN_REQUIRE_OK(ba->Rematerialize());
  CHECK(Must(ab->Digest()) == Must(ba->Digest()));
}

}  // namespace
}  // namespace cairn
