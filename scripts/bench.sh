#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints their METRIC lines.
set -euo pipefail
build="${1:-build}"
for b in record apply storage mastery learning; do
  echo "== $b"
  "$build/bench/bench_$b"
done
# Sync benchmarks, when built.
for b in "$build"/bench/bench_sync_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done
# Last: it needs ../shared/data beside the repository and says so when it is missing.
echo "== mastery_eval"
"$build/bench/mastery_eval"
