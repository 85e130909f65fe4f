#!/usr/bin/env bash
# Runs each benchmark program on the system libzmq and on ours in the same run, and prints the
# ratio ours/libzmq for each figure: above 1.0 is better for throughput and rates, below 1.0 is
# better for latency. Each figure is the median of BENCH_ROUNDS (5) runs, taken alternately.
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

rounds="${BENCH_ROUNDS:-5}"

# compare LABEL SIZE PROGRAM ARGS...: runs the program on libzmq and on ours alternately, ROUNDS
# times each (so that drifting machine load hits both alike), and prints the median of each
# figure ("name value" lines) for both and their ratio ours/libzmq.
compare() {
  local label="$1" size="$2"; shift 2
  for _ in $(seq "$rounds"); do
    LD_LIBRARY_PATH="$system_libdir" timeout 120 "$build/$@" | sed 's/^/libzmq /'
    LD_LIBRARY_PATH="$libdir" timeout 120 "$build/$@" | sed 's/^/ours /'
  done | awk -v label="$label" -v size="$size" '
    { key = $2; if (!(key in order)) { order[key] = ++n; names[n] = key }
      v[$1, key, ++count[$1, key]] = $3 }
    function median(lib, key,   m, i, j, t, a) {
      m = count[lib, key]; for (i = 1; i <= m; i++) a[i] = v[lib, key, i]
      for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
    END { for (i = 1; i <= n; i++) { k = names[i]; a = median("libzmq", k); b = median("ours", k)
      printf "%-12s %-22s %8s %14.3f %14.3f %7.2fx\n", label, k, size, a, b, (a > 0 ? b / a : 0) } }'
}

printf '%-12s %-22s %8s %14s %14s %8s\n' bench figure size libzmq ours ratio
for size in 1 64 1024 65536; do
  count=2000000; [ "$size" -ge 65536 ] && count=200000
  compare msg "$size" msg_bench "$size" "$count"
done
for size in 1 64 1024; do
  compare inproc_thr "$size" inproc_thr "$size" 2000000 | grep msg/s
  compare inproc_lat "$size" inproc_lat "$size" 100000
done
