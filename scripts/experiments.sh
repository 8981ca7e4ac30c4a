#!/usr/bin/env bash
# Reruns the experiments that docs/go.md, docs/unstable-hash.md and
# docs/concurrency.md quote and rewrites their outputs in docs/generated/:
#
#   go-keytypes.txt    docs/traces/go-keytypes.go   real Go 1.19 map, key types
#   go-nan.txt         docs/traces/go-nan.go        real Go 1.19 map, NaN keys
#   go-breakpoints.txt docs/traces/go-breakpoints.{go,gdb}  which growth functions run (needs gdb)
#   java-modcount.txt  docs/traces/JavaModCount.java  JDK 17, which methods throw CME
#   java-nan.txt       docs/traces/JavaNaN.java     JDK 17, NaN keys
#   java-unstable-hash.txt docs/traces/JavaUnstableHash.java  JDK 17, a key whose hashCode changes
#   go-grow-copies.txt hashgrow-go example grow_copies (our replica: copies per grow)
#   deep-chain.txt     hashgrow-go example deep_chain (our replica, timed)
#   unstable-hash.txt  hashgrow-difftest example unstable_hash (all replicas)
#
#   scripts/experiments.sh            # about a minute on 2 cores
#
# The Go programs read Go 1.19's private map structs and need Go 1.19
# (`../shared/oracles/run go` installs Debian's golang-go, which is 1.19, in
# /usr/lib/go-1.19); set GO to another go binary. Without Go 1.19 or a JDK the
# step is skipped with a message and the committed file is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/generated
mkdir -p "$out"

go=${GO:-}
if [ -z "$go" ]; then
  for g in /usr/lib/go-1.19/bin/go "$(command -v go || true)"; do
    if [ -n "$g" ] && [ -x "$g" ] && "$g" version 2>/dev/null | grep -q 'go1\.19'; then go=$g; break; fi
  done
fi
if [ -n "$go" ]; then
  echo "== go-keytypes, go-nan: $go" >&2
  { echo "\$ go run docs/traces/go-keytypes.go"; "$go" run docs/traces/go-keytypes.go; } > "$out/go-keytypes.txt"
  { echo "\$ go run docs/traces/go-nan.go"; "$go" run docs/traces/go-nan.go; } > "$out/go-nan.txt"
  if command -v gdb > /dev/null; then
    tmp=$(mktemp -d)
    "$go" build -o "$tmp/go-breakpoints" docs/traces/go-breakpoints.go
    {
      echo "\$ go build -o /tmp/go-breakpoints docs/traces/go-breakpoints.go"
      echo "\$ gdb -batch -nx -x docs/traces/go-breakpoints.gdb /tmp/go-breakpoints"
      gdb -batch -nx -x docs/traces/go-breakpoints.gdb "$tmp/go-breakpoints" 2>&1 \
        | grep -E '^len |^[0-9]+ +breakpoint|already hit' | sed -e 's/0x[0-9a-f]* in //' -e "s|/usr/lib/go-1.19/src/||"
    } > "$out/go-breakpoints.txt"
    rm -r "$tmp"
  else
    echo "skipped go-breakpoints: no gdb" >&2
  fi
else
  echo "skipped go-keytypes, go-nan: no Go 1.19 (run ../shared/oracles/run go once, or set GO)" >&2
fi

if command -v java > /dev/null && java -version 2>&1 | grep -q '"17'; then
  echo "== java-modcount, java-nan, java-unstable-hash" >&2
  { echo "\$ java docs/traces/JavaModCount.java"; java docs/traces/JavaModCount.java; } > "$out/java-modcount.txt"
  { echo "\$ java docs/traces/JavaNaN.java"; java docs/traces/JavaNaN.java; } > "$out/java-nan.txt"
  { echo "\$ java docs/traces/JavaUnstableHash.java"; java docs/traces/JavaUnstableHash.java; } > "$out/java-unstable-hash.txt"
else
  echo "skipped java-modcount, java-nan: no JDK 17 java on PATH" >&2
fi

echo "== go-grow-copies, deep-chain, unstable-hash" >&2
{ echo "\$ cargo run --release -p hashgrow-go --example grow_copies"; cargo run -q --release -p hashgrow-go --example grow_copies; } > "$out/go-grow-copies.txt"
{ echo "\$ cargo run --release -p hashgrow-go --example deep_chain"; cargo run -q --release -p hashgrow-go --example deep_chain; } > "$out/deep-chain.txt"
cargo run -q -p hashgrow-difftest --example unstable_hash > "$out/unstable-hash.txt"
echo "done: $out" >&2
