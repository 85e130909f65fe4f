#!/usr/bin/env bash
# Runs each benchmark program on the system libzmq and on ours in the same run, and prints the
# ratio ours/libzmq for each figure (above 1.0: ours is faster).
# Usage: capi-tests/bench/run.sh [LIBDIR] [INCDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
libdir="$(cd "${1:-$top/target/release}" && pwd)"
incdir="$(cd "${2:-$top/include}" && pwd)"
system_libdir=/usr/lib/x86_64-linux-gnu
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT

[ -e "$system_libdir/libzmq.so.5" ] || { echo "no system libzmq at $system_libdir: install libzmq5"; exit 1; }
cc -O2 -std=c99 -I "$incdir" "$here/msg_bench.c" -o "$build/msg_bench" -L "$libdir" -lzmq

best() { # libdir, args...: the best of 3 runs of each figure
  local dir="$1"; shift
  for _ in 1 2 3; do LD_LIBRARY_PATH="$dir" "$build/msg_bench" "$@"; done |
    awk '{ if ($2 > best[$1]) best[$1] = $2; order[$1] = NR } END { for (k in best) print order[k], k, best[k] }' |
    sort -n | cut -d' ' -f2-
}

printf '%-24s %8s %14s %14s %8s\n' operation size "libzmq ops/s" "ours ops/s" ratio
for size in 1 64 1024 65536; do
  count=2000000; [ "$size" -ge 65536 ] && count=200000
  paste -d' ' <(best "$system_libdir" "$size" "$count") <(best "$libdir" "$size" "$count") |
    awk -v size="$size" '{ printf "%-24s %8s %14.0f %14.0f %7.2fx\n", $1, size, $2, $4, ($2 > 0 ? $4 / $2 : 0) }'
done
