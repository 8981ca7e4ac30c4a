#!/usr/bin/env bash
# Times the real Redis 7.0 dict.c (bench.c beside this script) and then
# hashgrow-redis's RedisMap (the `redis_speed` example) on the same u64 keys with
# the same hash function (FxHash), and prints both.
#   crates/hashgrow-redis/bench-c/run.sh [N] [R]
# The same real map as a row of `hashgrow compare`, on its exact keys and
# workloads in the same run: `hashgrow compare --runtimes` (its
# redis-dict-c row; see docs/comparison.md).
# dict.c is not in this repository: it is the one the redis-dict oracle
# fetches (Debian's redis 7.0.15 source) into ${ORACLE_BUILD_DIR:-/tmp/hashmap-oracles}/redis-src;
# this script runs the oracle once to fetch it if it is missing. Without a C
# compiler or the source it says so and exits 0.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
oracles="$root/../shared/oracles"
build="${ORACLE_BUILD_DIR:-/tmp/hashmap-oracles}"
src="$build/redis-src"
n="${1:-1000000}"
runs="${2:-5}"

if ! command -v cc >/dev/null; then
  echo "bench-c: no C compiler (cc); skipped"
  exit 0
fi
if [ ! -f "$src/dict.c" ] && [ -x "$oracles/run" ]; then
  echo "bench-c: fetching dict.c through the redis-dict oracle" >&2
  "$oracles/run" redis-dict </dev/null >/dev/null || true
fi
if [ ! -f "$src/dict.c" ]; then
  echo "bench-c: $src/dict.c not found (the redis-dict oracle fetches it: $oracles/run redis-dict); skipped"
  exit 0
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
cp "$src"/dict.c "$src"/dict.h "$src"/fmacros.h "$src"/siphash.c \
   "$src"/mt19937-64.c "$src"/mt19937-64.h "$oracles"/redis-dict/shim/*.h "$here"/bench.c "$out"/
# -O2: what Redis 7.0.15 builds with (src/Makefile: OPTIMIZATION?=-O2).
(cd "$out" && cc -O2 -std=gnu11 -w -o bench bench.c siphash.c mt19937-64.c)
"$out"/bench "$n" "$runs"

if command -v cargo >/dev/null; then
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
  (cd "$root" && cargo run -q --release -p hashgrow-redis --example redis_speed -- "$n" "$runs" redis) |
    sed -n 's/^redis /RedisMap fx/p'
fi
