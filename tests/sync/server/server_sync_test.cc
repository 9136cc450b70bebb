// cairn-server's sync endpoints, through real HTTP on loopback.
#include <catch2/catch.hpp>
#include <set>

#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/query.h"
#include "cairn/sync/wire.h"
#include "server_testing.h"

namespace cairn::testing {
namespace {

using nlohmann::json;
using server::DeviceRole;

std::string Message(const HttpReply& r) { return r.Json().value("message", ""); }

// A body of `kind` about `learner` (and class `klass` where the kind names one).
json BodyFor(const std::string& kind, const std::string& learner, const std::string& klass, int n) {
  std::string id = kind + "-" + std::to_string(n);
  if (kind == "attempt") return {{"learner", learner}, {"item", "i1"}, {"correct", true}};
  if (kind == "activity") return {{"learner", learner}, {"lesson", "l1"}, {"event", "started"}};
  if (kind == "observation") {
    return {{"teacher", "t1"},
            {"learners", {learner}},
            {"competency", "c1"},
            {"level", 3},
            {"modality", "individual"}};
  }
  if (kind == "goal_checkin") return {{"learner", learner}, {"goal", "g1"}, {"rating", 3}};
  if (kind == "signin") return {{"learner", learner}};
  if (kind == "profile") return {{"learner", learner}, {"about", "likes maps"}};
  if (kind == "goal") return {{"goal", id}, {"learner", learner}, {"text", "read more"}};
  if (kind == "note") return {{"note", id}, {"learner", learner}, {"text", "steady"}};
  if (kind == "assignment") return {{"assignment", id}, {"learners", {learner}}, {"lesson", "l1"}};
  if (kind == "group") return {{"group", id}, {"class", klass}, {"members", {learner}}};
  if (kind == "learner") return {{"learner", learner}, {"display_name", "X"}};
  if (kind == "enrollment") return {{"class", klass}, {"learner", learner}, {"active", true}};
  if (kind == "class") return {{"class", klass}, {"name", "Renamed"}};
  return nullptr;
}

}  // namespace

TEST_CASE("a device's push is stored once, acknowledged, and a gap is refused with the acked seq",
          "[sync]") {
  ServerFixture f;
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  std::vector<Op> batch;
  for (int i = 0; i < 3; ++i) {
    batch.push_back(d.MakeOp("attempt", BodyFor("attempt", "a1", "A", i), d.next_seq++));
  }
  uint64_t before = f.OpCount();
  HttpReply r = f.Push(d, batch);
  REQUIRE(r.status == 200);
  CHECK(r.Json().at("acked") == 3);
  CHECK(r.Json().size() == 2);  // {"acked", "clock"}: nothing more on the wire
  CHECK(r.Json().at("clock").get<uint64_t>() > 0);
  CHECK(f.OpCount() == before + 3);

  SECTION("the same batch again changes nothing and is acknowledged the same") {
    std::string digest = f.Digest();
    HttpReply again = f.Push(d, batch);
    REQUIRE(again.status == 200);
    CHECK(again.Json().at("acked") == 3);
    CHECK(f.OpCount() == before + 3);
    CHECK(f.Digest() == digest);
  }
  SECTION("a batch that overlaps the acked ops stores only the new ones") {
    std::vector<Op> overlap = {batch[2], d.MakeOp("attempt", BodyFor("attempt", "a2", "A", 9), 4)};
    HttpReply again = f.Push(d, overlap);
    REQUIRE(again.status == 200);
    CHECK(again.Json().at("acked") == 4);
    CHECK(f.OpCount() == before + 4);
  }
  SECTION("a batch starting past acked+1 is refused with 409 and the acked seq") {
    std::string digest = f.Digest();
    HttpReply gap = f.Push(d, {d.MakeOp("attempt", BodyFor("attempt", "a1", "A", 7), 6)});
    REQUIRE(gap.status == 409);
    CHECK(gap.Json().at("error") == "gap");
    CHECK(gap.Json().at("acked") == 3);
    CHECK_THAT(Message(gap), Catch::Contains("send from seq 4"));
    CHECK(f.Digest() == digest);
  }
  SECTION("an op id already stored with other content is a conflict and nothing is stored") {
    std::string digest = f.Digest();
    Op changed = batch[0];
    changed.body["correct"] = false;
    HttpReply conflict = f.Push(d, {changed});
    CHECK(conflict.status == 409);
    CHECK(conflict.Json().at("error") == "conflict");
    CHECK(f.Digest() == digest);
  }
}

TEST_CASE("the authorization matrix: every role, device-written kind and scope gets what it should",
          "[sync]") {
  ServerFixture f;
  const std::vector<std::string> any_device = {"attempt", "activity", "goal_checkin",
                                               "signin",  "profile",  "goal"};
  const std::vector<std::string> teacher_only = {"observation", "note", "assignment", "group"};
  const std::vector<std::string> server_only = {"learner", "enrollment", "class"};
  int n = 0;
  for (DeviceRole role : {DeviceRole::kStudentDevice, DeviceRole::kTeacherDevice}) {
    TestDevice d = f.Enroll(role, {"A"});
    for (bool in_scope : {true, false}) {
      auto check = [&](const std::string& kind, bool allowed) {
        std::string learner = in_scope ? "a1" : "b1";
        std::string klass = in_scope ? "A" : "B";
        Op op = d.MakeOp(kind, BodyFor(kind, learner, klass, ++n));
        INFO(std::string(server::RoleName(role))
             << " writes " << kind << " about " << (in_scope ? "its" : "another") << " class");
        uint64_t count = f.OpCount();
        std::string digest = f.Digest();
        HttpReply r = f.Push(d, {op});
        if (allowed) {
          CHECK(r.status == 200);
          if (r.status == 200) ++d.next_seq;
          CHECK(f.OpCount() == count + 1);
        } else {
          CHECK(r.status == 403);
          json j = r.Json();
          CHECK(j.value("op", "") == op.id().ToString());
          CHECK(j.value("kind", "") == kind);
          CHECK_THAT(Message(r),
                     Catch::Contains("op " + op.id().ToString() + " (" + kind + ") refused") &&
                         Catch::Contains("nothing of this batch was stored"));
          CHECK(f.OpCount() == count);
          CHECK(f.Digest() == digest);
        }
      };
      for (const std::string& k : any_device) check(k, in_scope);
      for (const std::string& k : teacher_only) {
        check(k, in_scope && role == DeviceRole::kTeacherDevice);
      }
      for (const std::string& k : server_only) check(k, false);
    }
  }
}

TEST_CASE("a refused op names itself and why, and rejects the whole batch", "[sync]") {
  ServerFixture f;
  TestDevice student = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  uint64_t count = f.OpCount();
  std::vector<Op> batch = {student.MakeOp("attempt", BodyFor("attempt", "a1", "A", 1), 1),
                           student.MakeOp("observation", BodyFor("observation", "a1", "A", 2), 2)};
  HttpReply r = f.Push(student, batch);
  REQUIRE(r.status == 403);
  CHECK(Message(r) == "op " + batch[1].id().ToString() +
                          " (observation) refused: a student device may not write observation "
                          "records; nothing of this batch was stored");
  CHECK(f.OpCount() == count);

  SECTION("an op of another origin is refused") {
    TestDevice other;
    HttpReply foreign =
        f.Push(student, {other.MakeOp("attempt", BodyFor("attempt", "a1", "A", 3), 1)});
    CHECK(foreign.status == 403);
    CHECK_THAT(Message(foreign), Catch::Contains("origin is not this device's"));
  }
  SECTION("a student device may retract its own attempt but not a teacher's observation") {
    TestDevice teacher = f.Enroll(DeviceRole::kTeacherDevice, {"A"});
    Op obs = teacher.MakeOp("observation", BodyFor("observation", "a1", "A", 4), 1);
    REQUIRE(f.Push(teacher, {obs}).status == 200);
    Op own = student.MakeOp("attempt", BodyFor("attempt", "a1", "A", 5), 1);
    Op retract_own = student.MakeOp("retract", {{"target", own.id().ToString()}}, 2);
    CHECK(f.Push(student, {own, retract_own}).status == 200);
    Op retract_obs = student.MakeOp("retract", {{"target", obs.id().ToString()}}, 3);
    HttpReply refused = f.Push(student, {retract_obs});
    CHECK(refused.status == 403);
    CHECK_THAT(Message(refused), Catch::Contains("only its own ops"));
  }
}

TEST_CASE("a student device of class A never pulls class B's learners' ops", "[sync]") {
  ServerFixture f;
  TestDevice teacher_a = f.Enroll(DeviceRole::kTeacherDevice, {"A"});
  TestDevice teacher_b = f.Enroll(DeviceRole::kTeacherDevice, {"B"});
  std::vector<Op> a_ops, b_ops;
  for (int i = 0; i < 40; ++i) {
    a_ops.push_back(teacher_a.MakeOp("attempt", BodyFor("attempt", i % 2 ? "a1" : "a2", "A", i),
                                     teacher_a.next_seq++));
    b_ops.push_back(
        teacher_b.MakeOp("attempt", BodyFor("attempt", "b1", "B", i), teacher_b.next_seq++));
  }
  a_ops.push_back(teacher_a.MakeOp("note", BodyFor("note", "a1", "A", 99), teacher_a.next_seq++));
  b_ops.push_back(teacher_b.MakeOp("note", BodyFor("note", "b1", "B", 98), teacher_b.next_seq++));
  REQUIRE(f.Push(teacher_a, a_ops).status == 200);
  REQUIRE(f.Push(teacher_b, b_ops).status == 200);
  TestDevice student = f.Enroll(DeviceRole::kStudentDevice, {"A"});

  for (size_t page : {size_t{1000}, size_t{7}, size_t{1}}) {
    INFO("page size " << page);
    std::vector<Op> seen = f.PullAll(student, page);
    std::set<std::string> learners, classes;
    size_t from_a = 0;
    for (const Op& op : seen) {
      CHECK(op.origin != teacher_b.origin);
      if (op.body.contains("learner")) learners.insert(op.body["learner"]);
      if (op.kind == "class") classes.insert(op.body["class"]);
      from_a += op.origin == teacher_a.origin;
    }
    CHECK(from_a == a_ops.size());
    CHECK(learners == std::set<std::string>{"a1", "a2"});
    CHECK(classes == std::set<std::string>{"A"});
  }
  SECTION("a device is not sent back its own ops, only the others' in its scope") {
    std::vector<Op> seen = f.PullAll(teacher_a, 1000);
    size_t own = 0;
    for (const Op& op : seen) own += op.origin == teacher_a.origin;
    CHECK(own == 0);
    CHECK_FALSE(seen.empty());  // the server's roster and classes still come
  }
  SECTION("a pull's cursor continues exactly where the last page ended") {
    HttpReply first = f.Pull(student, 0, 5);
    REQUIRE(first.status == 200);
    CHECK(first.Json().at("more") == true);
    Result<std::vector<Op>> ops = sync::DecodeBatchJson(first.Json().at("ops"), sync::WireLimits{});
    REQUIRE(ops.ok());
    CHECK(ops->size() == 5);
    CHECK(first.headers["content-encoding"] == "zstd");
  }
  SECTION("a bad cursor or limit is a 400 that says what is expected") {
    HttpReply r = f.Get(student, "/v1/pull?after=x");
    CHECK(r.status == 400);
    CHECK(Message(r) == "after= must be a cursor (a whole number)");
    HttpReply l = f.Get(student, "/v1/pull?after=0&limit=0");
    CHECK(l.status == 400);
    CHECK_THAT(Message(l), Catch::StartsWith("limit= must be a whole number from 1 to"));
  }
}

TEST_CASE(
    "enrollment: a token or a join code gives a credential, expired, unknown and revoked "
    "are refused",
    "[sync]") {
  ServerFixture f;
  SECTION("a join code is typed in any case, with or without its dash") {
    auto t = f.CreateToken(DeviceRole::kStudentDevice, {"A"});
    std::string typed;
    for (char c : t.join_code) {
      if (c != '-') typed.push_back(static_cast<char>(std::tolower(c)));
    }
    HttpReply r = f.Enroll(json{{"join_code", typed}, {"origin", Origin::Random().Hex()}});
    REQUIRE(r.status == 200);
    CHECK(r.Json().at("role") == "student-device");
    CHECK(r.Json().at("classes") == json::array({"A"}));
    CHECK(r.Json().at("credential").get<std::string>().size() >= 40);
    CHECK(r.Json().at("server_origin").get<std::string>().size() == 32);
  }
  SECTION("an expired token is refused with a message that says what to do") {
    auto t = f.CreateToken(DeviceRole::kStudentDevice, {"A"}, f.clock().NowMillis() + 1000);
    f.clock().Advance(2000);
    HttpReply r = f.Enroll(json{{"token", t.secret}, {"origin", Origin::Random().Hex()}});
    CHECK(r.status == 401);
    CHECK(r.Json().at("error") == "expired_token");
    CHECK(Message(r) ==
          "this enrollment token expired; ask for a new one (`cairn-server token create`)");
  }
  SECTION("an unknown token is refused") {
    HttpReply r =
        f.Enroll(json{{"token", "nope-nope-nope-nope"}, {"origin", Origin::Random().Hex()}});
    CHECK(r.status == 401);
    CHECK(r.Json().at("error") == "unknown_token");
  }
  SECTION("a revoked device's credential is refused on every endpoint") {
    TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
    REQUIRE(f.Push(d, {d.MakeOp("signin", {{"learner", "a1"}}, 1)}).status == 200);
    f.server().WithStorage([&](server::ServerStorage& st) {
      REQUIRE(st.RevokeDevice(std::stoll(d.label.substr(1))).ok());
    });
    HttpReply r = f.Push(d, {d.MakeOp("signin", {{"learner", "a1"}}, 2)});
    CHECK(r.status == 401);
    CHECK(Message(r) ==
          "this device (" + d.label + ") was revoked by the school; enroll again with a new token");
    CHECK(f.Pull(d, 0, 10).status == 401);
  }
  SECTION("an unknown credential is refused") {
    TestDevice d;
    d.credential = "made-up";
    HttpReply r = f.Pull(d, 0, 10);
    CHECK(r.status == 401);
    CHECK(r.Json().at("error") == "unknown_device");
  }
  SECTION("an origin that has synced cannot be taken over by a new enrollment") {
    TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
    REQUIRE(f.Push(d, {d.MakeOp("signin", {{"learner", "a1"}}, 1)}).status == 200);
    auto t = f.CreateToken(DeviceRole::kStudentDevice, {"A"});
    HttpReply r = f.Enroll(json{{"token", t.secret}, {"origin", d.origin.Hex()}});
    CHECK(r.status == 409);
    CHECK_THAT(Message(r), Catch::Contains("already belongs to device " + d.label));
  }
}

}  // namespace cairn::testing

namespace cairn::testing {
namespace {

TEST_CASE("a credential presented from a second machine fingerprint is refused and logged",
          "[sync][fingerprint]") {
  ServerFixture server;
  const std::string machine_a(64, 'a'), machine_b(64, 'b');
  ServerFixture::Token token = server.CreateToken(DeviceRole::kStudentDevice, {"A"});
  TestDevice d;
  HttpReply enrolled = server.Enroll(json{{"token", token.secret},
                                          {"origin", d.origin.Hex()},
                                          {"name", "laptop"},
                                          {"fingerprint", machine_a}});
  REQUIRE(enrolled.status == 200);
  d.credential = enrolled.Json().at("credential");
  auto clock_from = [&](const std::string& fingerprint) {
    HttpRequest request{"GET", "/v1/clock", "", {{"Authorization", "Bearer " + d.credential}}};
    if (!fingerprint.empty()) request.headers[std::string(sync::kFingerprintHeader)] = fingerprint;
    return Send(server.port(), request);
  };

  CHECK(clock_from(machine_a).status == 200);
  const uint64_t ops_before = server.OpCount();
  HttpReply other = clock_from(machine_b);
  CHECK(other.status == 403);
  CHECK(other.Json().value("error", "") == sync::kFingerprintMismatch);
  CHECK(server.Push(d, {d.MakeOp("signin", {{"learner", "a1"}}, 1)}).status == 403);  // none sent
  CHECK(clock_from(machine_a).status == 200);  // the original keeps working
  CHECK(server.OpCount() == ops_before);
  std::string log = server.log().str();
  CHECK(log.find("its credential was presented from another machine") != std::string::npos);

  SECTION("a credential enrolled without a fingerprint is bound to the first one it comes with") {
    TestDevice old = server.Enroll(DeviceRole::kStudentDevice, {"A"});
    CHECK(server.Get(old, "/v1/clock").status == 200);  // unbound: works without one
    HttpRequest first{"GET", "/v1/clock", "", {{"Authorization", "Bearer " + old.credential}}};
    first.headers[std::string(sync::kFingerprintHeader)] = machine_b;
    CHECK(Send(server.port(), first).status == 200);
    first.headers[std::string(sync::kFingerprintHeader)] = machine_a;
    CHECK(Send(server.port(), first).status == 403);
    CHECK(server.Get(old, "/v1/clock").status == 403);  // bound now: none is not it either
  }
  SECTION("a fingerprint that is not 64 hex digits is refused at enrollment") {
    HttpReply bad =
        server.Enroll(json{{"token", server.CreateToken(DeviceRole::kStudentDevice, {"A"}).secret},
                           {"origin", Origin::Random().Hex()},
                           {"fingerprint", "machine-id-in-clear"}});
    CHECK(bad.status == 400);
  }
}

TEST_CASE("a pull cursor is checked against the op the server said was at it", "[sync][server]") {
  ServerFixture f;
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  HttpReply first = f.Pull(d, 0, 1000);
  REQUIRE(first.status == 200);
  const uint64_t next = first.Json().at("next_cursor").get<uint64_t>();
  const std::string at = first.Json().at("at").get<std::string>();
  REQUIRE(next > 0);
  auto pull = [&](uint64_t after, const std::string& check) {
    return f.Get(d,
                 "/v1/pull?after=" + std::to_string(after) + "&check=" + sync::QueryEscape(check));
  };
  CHECK(pull(next, at).status == 200);
  // Another op at that position, or none: the device's cursor is not of this log.
  HttpReply other = pull(next, Origin::Random().Hex() + ":1");
  CHECK(other.status == 409);
  CHECK(other.Json().value("error", "") == "cursor_unknown");
  CHECK(pull(next + 1000, at).status == 409);
  // A device that sends no check (an older Cairn) is answered as before.
  CHECK(f.Get(d, "/v1/pull?after=" + std::to_string(next)).status == 200);
}

}  // namespace
}  // namespace cairn::testing
