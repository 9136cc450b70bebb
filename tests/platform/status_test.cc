#include "cairn/platform/status.h"

#include <catch2/catch.hpp>
#include <memory>
#include <string>

namespace cairn {
namespace {

Status FailIf(bool fail) { return fail ? Status::IoError("disk on fire") : Status::Ok(); }

Status Twice(bool fail, int* reached) {
  CAIRN_RETURN_IF_ERROR(FailIf(fail));
  ++*reached;
  return Status::Ok();
}

Result<int> Half(int n) {
  if (n % 2 != 0) return Status::InvalidArgument(std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  CAIRN_ASSIGN_OR_RETURN(int half, Half(n));
  CAIRN_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST_CASE("a status says what went wrong and of which kind", "[platform]") {
  CHECK(Status().ok());
  CHECK(Status::Ok().ToString() == "ok");

  struct Case {
    Status status;
    Status::Code code;
    const char* prefix;
  };
  for (const Case& c :
       {Case{Status::NotFound("m"), Status::Code::kNotFound, "not found: "},
        Case{Status::InvalidArgument("m"), Status::Code::kInvalidArgument, "invalid argument: "},
        Case{Status::Corruption("m"), Status::Code::kCorruption, "corruption: "},
        Case{Status::Busy("m"), Status::Code::kBusy, "busy: "},
        Case{Status::IoError("m"), Status::Code::kIoError, "I/O error: "},
        Case{Status::FailedPrecondition("m"), Status::Code::kFailedPrecondition,
             "failed precondition: "},
        Case{Status::NotSupported("m"), Status::Code::kNotSupported, "not supported: "}}) {
    INFO(c.prefix);
    CHECK_FALSE(c.status.ok());
    CHECK(c.status.code() == c.code);
    CHECK(c.status.message() == "m");
    CHECK(c.status.ToString() == std::string(c.prefix) + "m");
  }
}

TEST_CASE("context added to an error keeps its kind", "[platform]") {
  Status s = Status::Busy("in use").WithContext("opening the store");
  CHECK(s.code() == Status::Code::kBusy);
  CHECK(s.message() == "opening the store: in use");
  CHECK(Status::Ok().WithContext("anything").ok());
  CHECK(Status::Ok().WithContext("anything").message().empty());
}

TEST_CASE("errors propagate through CAIRN_RETURN_IF_ERROR and CAIRN_ASSIGN_OR_RETURN",
          "[platform]") {
  int reached = 0;
  CHECK(Twice(false, &reached).ok());
  CHECK(reached == 1);
  Status s = Twice(true, &reached);
  CHECK(s.code() == Status::Code::kIoError);
  CHECK(reached == 1);

  Result<int> q = Quarter(12);
  REQUIRE(q.ok());
  CHECK(*q == 3);
  Result<int> odd = Quarter(6);  // 6 / 2 = 3 is odd
  REQUIRE_FALSE(odd.ok());
  CHECK(odd.status().message() == "3 is odd");
}

TEST_CASE("a result holds either a value or an error", "[platform]") {
  Result<std::string> v = std::string("value");
  REQUIRE(v.ok());
  CHECK(v.status().ok());
  CHECK(*v == "value");
  CHECK(v->size() == 5);
  std::string moved = std::move(v).value();
  CHECK(moved == "value");

  Result<std::unique_ptr<int>> owned = std::make_unique<int>(7);
  REQUIRE(owned.ok());
  std::unique_ptr<int> p = std::move(owned).value();
  CHECK(*p == 7);

  Result<int> e = Status::NotFound("nothing here");
  CHECK_FALSE(e.ok());
  CHECK(e.status().code() == Status::Code::kNotFound);
}

}  // namespace
}  // namespace cairn
