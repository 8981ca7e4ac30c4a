#!/usr/bin/env bash
# Reruns every measurement that docs/ quotes and rewrites docs/generated/.
#
#   scripts/regen-docs.sh            # all of it (about 15 minutes on 2 cores)
#
# Each table is saved with the exact command that produced it, so any single
# figure can be rerun by hand. Numbers depend on the machine: the header of
# docs/generated/README.md says which one produced the committed copy.
# --runtimes rows need Go 1.19, Go 1.27.3, a JDK and cc with Redis's dict.c
# source (see docs/comparison.md, "The real runtimes, same run"); a missing
# one is skipped with a note on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/generated
mkdir -p "$out"
cargo build --release -p hashgrow-bench
bin="${CARGO_TARGET_DIR:-target}/release/hashgrow"

run() { # run NAME ARGS...: saves NAME.txt (command + table) and NAME.json
  local name=$1; shift
  echo "== $name: hashgrow $*" >&2
  {
    echo "\$ hashgrow $*"
    "$bin" "$@" --json "$out/$name.json"
  } > "$out/$name.txt"
}

{
  echo "# Generated measurements"
  echo
  echo "Written by \`scripts/regen-docs.sh\` on $(date -u +%Y-%m-%d)."
  echo "Machine: $(nproc) CPUs, $(uname -sm), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
  echo "$(free -g | awk '/Mem:/ {print $2}') GiB RAM; a shared VM, so expect a few percent of noise between runs."
  echo
  echo "Each \`.txt\` file starts with the command that produced it; the \`.json\`"
  echo "beside it holds every field. Plots: \`insert/index.html\`, \`churn/index.html\`."
} > "$out/README.md"

run insert        compare --runtimes --repeat 5 --plots "$out/insert"
run prealloc      compare --workload prealloc
run lookup        compare --workload lookup --runtimes --repeat 5
run churn         compare --workload churn --n 100000 --plots "$out/churn"
run keys-string   compare --keys string --n 300000
run keys-prefix   compare --keys prefix --n 300000
run keys-struct   compare --keys struct --n 300000
run shrink        compare --workload shrink
run insert-10m    compare --n 10000000 --repeat 3 --runtimes --strategies go,go-swiss,java,redis,stw,hashbrown,griddle
run hashdist      hashdist
scripts/lookup-spread.sh 8   # lookup-spread.txt: hit and miss ratios over 8 fresh runs (go-swiss.md)
scripts/experiments.sh   # the experiments: go-keytypes, go-nan, java-*, go-grow-copies, deep-chain, unstable-hash
echo "done: $out" >&2
