#include "cairn/platform/clock.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace cairn {
namespace {

TEST_CASE("a fake clock moves only when the test moves it", "[platform]") {
  FakeClock clock(1'000);
  CHECK(clock.NowMillis() == 1'000);
  CHECK(clock.NowMillis() == 1'000);
  clock.Advance(250);
  CHECK(clock.NowMillis() == 1'250);
  clock.Set(5);
  CHECK(clock.NowMillis() == 5);
  clock.Advance(-10);  // users set clocks back
  CHECK(clock.NowMillis() == -5);

  const Clock& as_interface = clock;
  CHECK(as_interface.NowMillis() == -5);
  CHECK(FakeClock().NowMillis() > 1'700'000'000'000);  // a plausible default date
}

TEST_CASE("the system clock tells the time in Unix milliseconds", "[platform]") {
  using namespace std::chrono;
  int64_t before = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  int64_t now = SystemClock().NowMillis();
  int64_t after = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  CHECK(now >= before);
  CHECK(now <= after);
  CHECK(&SystemClock() == &SystemClock());
}

}  // namespace
}  // namespace cairn
