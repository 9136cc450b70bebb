// Opening stores in scratch directories and building ops by hand, for the agent
// tests.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cairn/agent/op.h"
#include "cairn/agent/store.h"
#include "cairn/platform/clock.h"

namespace cairn::testing {

// Fails the test with the error's message.
#define CAIRN_REQUIRE_OK(expr)                    \
  do {                                            \
    const auto& cairn_req_ = (expr);              \
    INFO(::cairn::testing::Describe(cairn_req_)); \
    REQUIRE(cairn_req_.ok());                     \
  } while (0)

inline std::string Describe(const Status& s) { return s.ToString(); }
template <typename T>
std::string Describe(const Result<T>& r) {
  return r.status().ToString();
}

// The value of `r`, failing the test (with the error) when there is none.
template <typename T>
T Must(Result<T> r) {
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

// A fixed, readable origin: 31 zeros and then `last` (plus a marker byte so no
// two helpers' ids collide by accident).
inline Origin TestOrigin(uint8_t last) {
  Origin o;
  o.bytes[0] = 0xc4;
  o.bytes[15] = last;
  return o;
}

inline StoreOptions FileOptions(const std::filesystem::path& path, const Clock& clock) {
  StoreOptions options;
  options.path = path;
  options.clock = &clock;
  return options;
}

inline StoreOptions MemoryOptions(const Clock& clock) {
  StoreOptions options;
  options.in_memory = true;
  options.clock = &clock;
  return options;
}

// Opens a store and gives it an identity.
inline std::unique_ptr<Store> OpenInitialized(const StoreOptions& options, const Origin& self,
                                              StoreMode mode = StoreMode::kStandalone,
                                              std::optional<Origin> authority = std::nullopt) {
  std::unique_ptr<Store> store = Must(Store::Open(options));
  CAIRN_REQUIRE_OK(store->Initialize(self, mode, authority));
  return store;
}

inline Op MakeOp(const Origin& origin, uint64_t seq, Hlc hlc, std::string kind,
                 nlohmann::json body) {
  return Op{origin, seq, hlc, std::move(kind), std::move(body)};
}

// Every op in the store, in local commit order, read in small pages.
inline std::vector<Op> AllOps(const Store& store) {
  std::vector<Op> out;
  uint64_t cursor = 0;
  while (true) {
    OpsPage page = Must(store.OpsSince(cursor, 7));
    for (Op& op : page.ops) out.push_back(std::move(op));
    if (!page.more) return out;
    cursor = page.next_cursor;
  }
}

inline bool SameOp(const Op& a, const Op& b) {
  return a.origin == b.origin && a.seq == b.seq && a.hlc == b.hlc && a.kind == b.kind &&
         a.body == b.body;
}

// True when `store` holds an op with this id and exactly this content.
inline bool Holds(const Store& store, const Op& op) {
  for (const Op& stored : AllOps(store)) {
    if (stored.id() == op.id()) return SameOp(stored, op);
  }
  return false;
}

inline std::vector<std::string> Problems(const Store& store) { return Must(store.Check()); }

}  // namespace cairn::testing
