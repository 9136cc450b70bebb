#include "cairn/agent/sqlite.h"

#include <sqlite3.h>

#include <catch2/catch.hpp>
#include <limits>

#include "agent/store_testing.h"
#include "platform/scratch_dir.h"

namespace cairn::sql {
namespace {

using testing::Must;

std::unique_ptr<Database> OpenMemory() {
  std::unique_ptr<Database> db = Must(Database::Open(":memory:"));
  CAIRN_REQUIRE_OK(db->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v)"));
  return db;
}

int64_t Count(Database& db) {
  Statement* st = Must(db.Prepare("SELECT count(*) FROM t"));
  REQUIRE(Must(st->Step()));
  int64_t n = st->ColumnInt(0);
  st->Reset();
  return n;
}

TEST_CASE("prepared statements are cached by their text and come back reset", "[agent]") {
  std::unique_ptr<Database> db = OpenMemory();
  CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(k, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')"));
  const char* sql = "SELECT v FROM t WHERE k >= ?1 ORDER BY k";
  Statement* first = Must(db->Prepare(sql));
  first->Bind(1, 2);
  REQUIRE(Must(first->Step()));
  CHECK(first->ColumnText(0) == "b");

  Statement* again = Must(db->Prepare(sql));
  CHECK(again == first);
  // Reset and bindings cleared: k >= NULL matches nothing.
  CHECK_FALSE(Must(again->Step()));
  again->Bind(1, 1);
  REQUIRE(Must(again->Step()));
  CHECK(again->ColumnText(0) == "a");
  again->Reset();

  CHECK(Must(db->Prepare("SELECT v FROM t")) != first);
}

TEST_CASE("a transaction that is not committed rolls back when it goes out of scope", "[agent]") {
  std::unique_ptr<Database> db = OpenMemory();
  SECTION("dropped without commit") {
    {
      Transaction txn = Must(Transaction::Begin(*db));
      CHECK(db->InTransaction());
      CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(v) VALUES ('lost')"));
      CHECK(Count(*db) == 1);
    }
    CHECK_FALSE(db->InTransaction());
    CHECK(Count(*db) == 0);
  }
  SECTION("committed") {
    {
      Transaction txn = Must(Transaction::Begin(*db, Transaction::Kind::kDeferred));
      CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(v) VALUES ('kept')"));
      CAIRN_REQUIRE_OK(txn.Commit());
      CHECK_FALSE(txn.open());
      CHECK(txn.Commit().code() == Status::Code::kFailedPrecondition);
    }
    CHECK(Count(*db) == 1);
  }
  SECTION("rolled back explicitly") {
    Transaction txn = Must(Transaction::Begin(*db));
    CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(v) VALUES ('lost')"));
    txn.Rollback();
    CHECK_FALSE(txn.open());
    CHECK(Count(*db) == 0);
  }
  SECTION("moved: only the new owner decides") {
    std::optional<Transaction> outer;
    {
      Transaction inner = Must(Transaction::Begin(*db));
      CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(v) VALUES ('kept')"));
      outer.emplace(std::move(inner));
      CHECK_FALSE(inner.open());  // NOLINT(bugprone-use-after-move): checking the moved-from
    }
    CHECK(db->InTransaction());
    CAIRN_REQUIRE_OK(outer->Commit());
    CHECK(Count(*db) == 1);
  }
  SECTION("a second BEGIN while one is open is an error, not a nested transaction") {
    Transaction txn = Must(Transaction::Begin(*db));
    Result<Transaction> nested = Transaction::Begin(*db);
    CHECK_FALSE(nested.ok());
    CHECK(txn.open());
  }
  SECTION("a write nested in a group that SQLite rolled back fails instead of committing alone") {
    Transaction group = Must(Transaction::Begin(*db));
    CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(v) VALUES ('first of the group')"));
    // What SQLite does by itself on a full disk or an I/O error mid-group.
    CAIRN_REQUIRE_OK(db->Exec("ROLLBACK"));
    Result<Transaction> write = Transaction::Nest(*db);
    REQUIRE_FALSE(write.ok());
    CHECK_THAT(write.status().message(), Catch::Contains("write group lost"));
    CHECK_FALSE(db->InTransaction());  // nothing began: no write can be committed alone
    CHECK(Count(*db) == 0);
  }
  SECTION("a nested write is undone alone, the group's earlier writes stay") {
    Transaction group = Must(Transaction::Begin(*db));
    CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(v) VALUES ('kept')"));
    {
      Transaction write = Must(Transaction::Nest(*db));
      CHECK(write.nested());
      CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(v) VALUES ('undone')"));
    }
    CAIRN_REQUIRE_OK(group.Commit());
    CHECK(Count(*db) == 1);
  }
}

TEST_CASE("SQLite errors say what was being done", "[agent]") {
  std::unique_ptr<Database> db = OpenMemory();
  SECTION("bad SQL") {
    Status s = db->Exec("SELEKT nonsense");
    REQUIRE_FALSE(s.ok());
    CHECK_THAT(s.message(), Catch::Contains("SELEKT nonsense"));
    Result<Statement*> st = db->Prepare("SELECT nothing FROM nowhere");
    REQUIRE_FALSE(st.ok());
    CHECK_THAT(st.status().message(), Catch::Contains("nowhere"));
  }
  SECTION("a constraint violation is the caller's mistake") {
    CAIRN_REQUIRE_OK(db->Exec("INSERT INTO t(k) VALUES (1)"));
    Statement* ins = Must(db->Prepare("INSERT INTO t(k) VALUES (?1)"));
    Status s = ins->Bind(1, 1).Run();
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK_THAT(s.message(), Catch::Contains("UNIQUE"));
    // The failed statement is reset and reusable.
    CAIRN_REQUIRE_OK(Must(db->Prepare("INSERT INTO t(k) VALUES (?1)"))->Bind(1, 2).Run());
    CHECK(Count(*db) == 2);
  }
  SECTION("each SQLite code maps to the Status a caller can act on") {
    CHECK(db->Error(SQLITE_FULL, "x").code() == Status::Code::kIoError);
    CHECK_THAT(db->Error(SQLITE_FULL, "x").message(), Catch::Contains("disk is full"));
    CHECK(db->Error(SQLITE_CORRUPT, "x").code() == Status::Code::kCorruption);
    CHECK(db->Error(SQLITE_NOTADB, "x").code() == Status::Code::kCorruption);
    CHECK(db->Error(SQLITE_BUSY, "x").code() == Status::Code::kBusy);
    CHECK(db->Error(SQLITE_IOERR_WRITE, "x").code() == Status::Code::kIoError);
    CHECK(db->Error(SQLITE_READONLY, "x").code() == Status::Code::kIoError);
  }
}

TEST_CASE("values come back as they were bound", "[agent]") {
  std::unique_ptr<Database> db = OpenMemory();
  Statement* st = Must(db->Prepare("SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7"));
  std::string blob("a\0b\xff", 4);
  st->Bind(1, std::numeric_limits<int64_t>::min())
      .Bind(2, 0.125)
      .Bind(3, std::string_view("héllo"))
      .BindBlob(4, blob)
      .BindNull(5)
      .Bind(6, uint64_t{42})
      .Bind(7, "text");
  REQUIRE(Must(st->Step()));
  CHECK(st->ColumnCount() == 7);
  CHECK(st->ColumnInt(0) == std::numeric_limits<int64_t>::min());
  CHECK(st->ColumnDouble(1) == 0.125);
  CHECK(st->ColumnText(2) == "héllo");
  CHECK(st->ColumnBlob(3) == blob);
  CHECK(st->ColumnIsNull(4));
  CHECK(st->ColumnType(0) == SQLITE_INTEGER);
  CHECK(st->ColumnType(1) == SQLITE_FLOAT);
  CHECK(st->ColumnType(2) == SQLITE_TEXT);
  CHECK(st->ColumnType(3) == SQLITE_BLOB);
  CHECK(st->ColumnType(4) == SQLITE_NULL);
  CHECK(st->ColumnInt(5) == 42);
  CHECK(st->ColumnText(6) == "text");
  CHECK_FALSE(Must(st->Step()));
}

TEST_CASE("opening a database file respects read-only and create-if-missing", "[agent]") {
  testing::ScratchDir dir;
  std::filesystem::path path = dir / "x.db";
  SECTION("a missing file is not created when not asked to") {
    OpenOptions options;
    options.create_if_missing = false;
    Result<std::unique_ptr<Database>> db = Database::Open(path, options);
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().code() == Status::Code::kIoError);
    CHECK_THAT(db.status().message(), Catch::Contains(path.string()));
    CHECK_FALSE(std::filesystem::exists(path));
  }
  SECTION("a read-only connection reads but cannot write") {
    {
      std::unique_ptr<Database> rw = Must(Database::Open(path));
      CAIRN_REQUIRE_OK(rw->Exec("CREATE TABLE t(v); INSERT INTO t VALUES (1)"));
      CHECK(rw->path() == path);
    }
    OpenOptions options;
    options.read_only = true;
    std::unique_ptr<Database> ro = Must(Database::Open(path, options));
    Statement* st = Must(ro->Prepare("SELECT v FROM t"));
    REQUIRE(Must(st->Step()));
    CHECK(st->ColumnInt(0) == 1);
    st->Reset();
    Status s = ro->Exec("INSERT INTO t VALUES (2)");
    CHECK(s.code() == Status::Code::kIoError);
  }
}

}  // namespace
}  // namespace cairn::sql
