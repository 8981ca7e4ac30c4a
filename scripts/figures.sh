#!/usr/bin/env bash
# Regenerates every figure under docs/figures/ with `hashgrow explain`, and
# the small op scripts they are drawn from (docs/figures/*.ops; how each is
# made is written beside it below and in docs/figures/README.md).
#
#   scripts/figures.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/.."

# A debug build is quick enough for these few-hundred-op scripts.
cargo build --quiet -p hashgrow-bench
hashgrow=${CARGO_TARGET_DIR:-target}/debug/hashgrow
out=docs/figures
pages=$(mktemp -d)   # pages not committed (only go-evacuation.html is)
trap 'rm -rf "$pages"' EXIT

# Java, list bin: keys 1-4 get hash codes 5, 21, 37, 53 (0x05, 0x15, 0x25,
# 0x35): all in bin 5 of the default 16. Keys 5-13 fill bins 0-4 and 6-9;
# the 13th entry passes the threshold of 12 and the table doubles to 32:
# bit 0x10 of each hash sends 1 and 3 to lo (bin 5), 2 and 4 to hi (bin 21).
{
    k=1
    for h in 5 21 37 53 0 1 2 3 4 6 7 8 9; do
        echo "put $k $h"
        k=$((k + 1))
    done
} >"$out/java-split-list.ops"
"$hashgrow" explain --strategy java --script "$out/java-split-list.ops" \
    --out "$pages/java-split-list.html" --svg-strip 12,13 --svg "$out/java-split-list.svg" \
    --max-rows 10

# Java, tree bin: `hint 64` makes a 64-bin table (64 is the smallest table
# that treeifies). Keys 1-14 get hash codes 3 + 64k: all in bin 3; the 9th
# turns the bin into a red-black tree. k even (10 keys) has bit 64 clear:
# lo; k odd (4 keys) has it set: hi. Keys 15-49 (hash codes 10-44) fill
# other bins; the 49th entry passes the threshold of 48 and the table
# doubles: the lo half (10 nodes) stays a tree in bin 3, the hi half (4
# nodes, at most 6) becomes a list in bin 67.
{
    echo "hint 64"
    k=1
    for m in 0 1 2 3 4 5 6 7 8 10 12 14 16 18; do
        echo "put $k $((3 + 64 * m))"
        k=$((k + 1))
    done
    for h in $(seq 10 44); do
        echo "put $k $h"
        k=$((k + 1))
    done
} >"$out/java-split-tree.ops"
"$hashgrow" explain --strategy java --script "$out/java-split-tree.ops" \
    --out "$pages/java-split-tree.html" --svg-strip 48,49 --svg "$out/java-split-tree.svg" \
    --max-rows 6

# Go 1.19, evacuation: the oracle's own trace (docs/traces/go-midgrow.annotated,
# hashes recorded from Go 1.19). Op 27 starts the grow from 4 to 8 buckets
# and evacuates two old buckets, op 28 one more, op 29 the last: the grow ends.
"$hashgrow" explain --strategy go --script docs/traces/go-midgrow.annotated \
    --out "$out/go-evacuation.html" --svg-strip 27,28,29 --svg "$out/go-evacuation.svg"

# Go 1.24+ Swiss map, split: keys 1-1000 without hashes (hashed with
# foldhash, seed 0). The single table grows by doubling up to 1024 slots;
# when that one is full (896 entries, 7/8 of 1024: op 897) it splits into
# two tables of one more hash bit. Drawn: ops 896 and 897.
seq 1 1000 | sed 's/^/put /' >"$out/swiss-split.ops"
"$hashgrow" explain --strategy go-swiss --script "$out/swiss-split.ops" \
    --out "$pages/swiss-split.html" --svg-strip 896,897 --svg "$out/swiss-split.svg" \
    --max-rows 6

# Redis 7.0, rehash: keys 1-10 without hashes (foldhash, seed 0). The 5th
# put finds 4 entries in 4 buckets and starts a rehash into 8; each later
# op moves one bucket of table 0 to table 1.
seq 1 10 | sed 's/^/put /' >"$out/redis-rehash.ops"
"$hashgrow" explain --strategy redis --script "$out/redis-rehash.ops" \
    --out "$pages/redis-rehash.html" --svg-strip 5,6,7 --svg "$out/redis-rehash.svg"
