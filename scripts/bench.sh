#!/usr/bin/env bash
# Runs every benchmark in bench/ and prints their METRIC lines.
set -euo pipefail
build="${1:-build}"
for b in record apply storage; do
  echo "== $b"
  "$build/bench/bench_$b"
done
