#include "cairn/agent/hlc.h"

#include <catch2/catch.hpp>

namespace cairn {
namespace {

constexpr int64_t kT = 1'790'000'000'000;
constexpr int64_t kHour = 60 * 60 * 1000;

TEST_CASE("an hlc packs milliseconds and a counter in order", "[agent]") {
  Hlc h = MakeHlc(kT, 7);
  CHECK(HlcMillis(h) == kT);
  CHECK(HlcCounter(h) == 7);
  CHECK(MakeHlc(kT, 0xffff) < MakeHlc(kT + 1, 0));
  CHECK(MakeHlc(kT, 1) < MakeHlc(kT, 2));
  CHECK(kMaxHlc <= static_cast<Hlc>(INT64_MAX));
}

TEST_CASE("stamps follow the wall clock while it moves forward", "[agent]") {
  FakeClock wall(kT);
  HybridClock clock(wall);
  Hlc a = clock.Now();
  CHECK(a == MakeHlc(kT, 0));
  wall.Advance(5);
  Hlc b = clock.Now();
  CHECK(b == MakeHlc(kT + 5, 0));
  CHECK(clock.last() == b);
}

TEST_CASE("within one millisecond the counter keeps stamps apart", "[agent]") {
  FakeClock wall(kT);
  HybridClock clock(wall);
  CHECK(clock.Now() == MakeHlc(kT, 0));
  CHECK(clock.Now() == MakeHlc(kT, 1));
  CHECK(clock.Now() == MakeHlc(kT, 2));

  SECTION("a full counter rolls into the next millisecond, still in order") {
    HybridClock full(wall, MakeHlc(kT, 0xffff));
    Hlc next = full.Now();
    CHECK(next > MakeHlc(kT, 0xffff));
    CHECK(next == MakeHlc(kT + 1, 0));
  }
}

TEST_CASE("stamps keep increasing when the wall clock steps back", "[agent]") {
  FakeClock wall(kT);
  HybridClock clock(wall);
  Hlc before = clock.Now();
  wall.Set(kT - kHour);  // someone fixed the clock, or the battery died
  Hlc after = clock.Now();
  CHECK(after > before);
  CHECK(HlcMillis(after) == kT);  // stays at the highest time seen, counting
  CHECK(HlcCounter(after) == 1);
  wall.Set(-5);  // before the epoch: treated as 0, never negative
  CHECK(clock.Now() > after);

  SECTION("a clock restored from a persisted stamp continues after it") {
    HybridClock restored(wall, after);
    CHECK(restored.Now() > after);
  }
}

TEST_CASE("stamps seen from other replicas move the clock but not too far", "[agent]") {
  FakeClock wall(kT);
  HybridClock clock(wall);
  clock.Now();

  SECTION("an older stamp changes nothing") {
    Hlc last = clock.last();
    clock.Observe(MakeHlc(kT - 10'000, 3));
    CHECK(clock.last() == last);
  }
  SECTION("a stamp a little ahead is adopted, and the next stamp is after it") {
    Hlc remote = MakeHlc(kT + 10 * 60 * 1000, 9);
    clock.Observe(remote);
    CHECK(clock.last() == remote);
    CHECK(clock.Now() > remote);
  }
  SECTION("a stamp far in the future is clamped to an hour ahead of our wall time") {
    clock.Observe(MakeHlc(kT + 365LL * 24 * kHour, 0));
    CHECK(clock.last() == MakeHlc(kT + HybridClock::kMaxForwardDriftMillis, 0));
    Hlc next = clock.Now();
    CHECK(HlcMillis(next) == kT + kHour);
    // Our own later writes, an hour on, overtake the bogus stamp's influence.
    wall.Advance(2 * kHour);
    CHECK(clock.Now() == MakeHlc(kT + 2 * kHour, 0));
  }
  SECTION("the school server's clock is trusted as is") {
    Hlc server = MakeHlc(kT + 3 * kHour, 4);
    clock.ObserveTrusted(server);
    CHECK(clock.last() == server);
    clock.ObserveTrusted(MakeHlc(kT, 0));  // never backwards
    CHECK(clock.last() == server);
    clock.ObserveTrusted(~Hlc{0});
    CHECK(clock.last() == kMaxHlc);
  }
}

}  // namespace
}  // namespace cairn
