#!/usr/bin/env bash
# Runs each benchmark program on the system libzmq and on ours in the same run, and prints the
# ratio ours/libzmq for each figure: above 1.0 is better for throughput and rates, below 1.0 is
# better for latency. Each figure is the best of 3 runs.
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
for program in msg_bench inproc_thr inproc_lat; do
  cc -O2 -std=c99 -I "$incdir" "$here/$program.c" -o "$build/$program" -L "$libdir" -lzmq
done

# best DIR LOWER_IS_BETTER PROGRAM ARGS...: "name value" lines, the best of 3 runs per name.
best() {
  local dir="$1" lower="$2"; shift 2
  for _ in 1 2 3; do LD_LIBRARY_PATH="$dir" timeout 120 "$build/$@"; done |
    awk -v lower="$lower" '{ if (!($1 in best) || (lower ? $2 < best[$1] : $2 > best[$1])) best[$1] = $2; order[$1] = NR }
      END { for (k in best) print order[k], k, best[k] }' | sort -n | cut -d' ' -f2-
}

compare() { # label size lower args...
  local label="$1" size="$2" lower="$3"; shift 3
  paste -d' ' <(best "$system_libdir" "$lower" "$@") <(best "$libdir" "$lower" "$@") |
    awk -v label="$label" -v size="$size" '{ printf "%-12s %-22s %8s %14.3f %14.3f %7.2fx\n", label, $1, size, $2, $4, ($2 > 0 ? $4 / $2 : 0) }'
}

printf '%-12s %-22s %8s %14s %14s %8s\n' bench figure size libzmq ours ratio
for size in 1 64 1024 65536; do
  count=2000000; [ "$size" -ge 65536 ] && count=200000
  compare msg "$size" 0 msg_bench "$size" "$count"
done
for size in 1 64 1024; do
  compare inproc_thr "$size" 0 inproc_thr "$size" 2000000 | grep msg/s
  compare inproc_lat "$size" 1 inproc_lat "$size" 100000
done
