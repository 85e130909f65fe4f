#!/usr/bin/env bash
# Runs each benchmark program on the system libzmq and on ours in the same run, and prints the
# ratio ours/libzmq for each figure: above 1.0 is better for throughput and rates, below 1.0 is
# better for latency. Each figure is the median of BENCH_ROUNDS (5) runs, taken alternately.
# The network benchmarks (local_thr/remote_thr, local_lat/remote_lat, libzmq's perf tools) run as
# two processes over tcp and ipc, both on the same library. A run that fails (exit status, crash,
# BENCH_TIMEOUT seconds, 60 by default) shows FAIL in its row and a "#" note under it; that
# library's remaining rounds of the row are then skipped.
# Usage: capi-tests/bench/run.sh [LIBDIR] [INCDIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"
libdir="$(cd "${1:-$top/target/release}" && pwd)"
incdir="$(cd "${2:-$top/include}" && pwd)"
system_libdir=/usr/lib/x86_64-linux-gnu
build="$(mktemp -d)"
ipc_path="/tmp/zmq-bench-$$"
trap 'rm -rf "$build"; rm -f "$ipc_path"' EXIT

[ -e "$system_libdir/libzmq.so.5" ] || { echo "no system libzmq at $system_libdir: install libzmq5"; exit 1; }
for program in msg_bench inproc_thr inproc_lat local_thr remote_thr local_lat remote_lat curve_handshake; do
  cc -O2 -std=c99 -Wall -Wextra -I "$incdir" "$here/$program.c" -o "$build/$program" -L "$libdir" -lzmq
done

rounds="${BENCH_ROUNDS:-5}"
timeout_s="${BENCH_TIMEOUT:-60}"

# describe STATUS: a process's exit status in words.
describe() {
  case "$1" in
    124) echo "timed out after ${timeout_s} s" ;;
    137) echo "killed (SIGKILL)" ;;
    *) if [ "$1" -gt 128 ]; then echo "died of signal $(($1 - 128)) ($(kill -l "$(($1 - 128))" 2>/dev/null || true))"
       else echo "exit status $1"; fi ;;
  esac
}

# figures TAG FILE...: the "name value" lines of the files, as "TAG name value".
figures() {
  local tag="$1"; shift
  awk -v tag="$tag" 'NF == 2 && $2 ~ /^[0-9.]+([eE][-+]?[0-9]+)?$/ { print tag, $1, $2 }' "$@"
}

# run_one LIBDIR TAG PROGRAM ARGS...: one run of a single-process benchmark, printing its figures
# as "TAG name value", or "TAG !fail why" when it fails.
run_one() {
  local lib="$1" tag="$2" status=0; shift 2
  LD_LIBRARY_PATH="$lib" timeout "$timeout_s" "$build/$@" >"$build/out" 2>"$build/err" || status=$?
  if [ "$status" -ne 0 ]; then
    echo "$tag !fail $1 $(describe "$status")$([ ! -s "$build/err" ] || echo ": $(head -n 1 "$build/err" | head -c 200)")"
  elif [ -z "$(figures "$tag" "$build/out")" ]; then
    echo "$tag !fail $1 printed no figures"
  else
    figures "$tag" "$build/out"
  fi
}

# wait_listening ENDPOINT PID: waits (5 s at most) until ENDPOINT accepts connections or PID ends.
wait_listening() {
  local endpoint="$1" pid="$2" i port hex
  for i in $(seq 500); do
    kill -0 "$pid" 2>/dev/null || return 1
    case "$endpoint" in
      ipc://*) [ -S "${endpoint#ipc://}" ] && return 0 ;;
      tcp://*) port="${endpoint##*:}"; printf -v hex '%04X' "$port"
               # local address ends in :PORT and the state is 0A (LISTEN)
               awk -v p=":$hex" 'substr($2, length($2) - 4) == p && $4 == "0A" { f = 1 } END { exit !f }' \
                 /proc/net/tcp /proc/net/tcp6 2>/dev/null && return 0 ;;
    esac
    sleep 0.01
  done
  return 1
}

# free_port: a tcp port on which nothing listens or lingers (TIME_WAIT too), one per run.
next_port=$((20000 + $$ % 20000))
free_port() {
  local hex
  while :; do
    next_port=$((next_port + 1)); [ "$next_port" -lt 60000 ] || next_port=20001
    printf -v hex '%04X' "$next_port"
    awk -v p=":$hex" 'substr($2, length($2) - 4) == p || substr($3, length($3) - 4) == p { f = 1 }
      END { exit f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null && break
  done
  echo "$next_port"
}

# run_pair LIBDIR TAG LOCAL REMOTE ENDPOINT SIZE COUNT: one run of a network benchmark: starts
# LOCAL (which binds), waits until it listens, then starts REMOTE (which connects), both on
# LIBDIR. Prints the figures of both as "TAG name value", or "TAG !fail why" when either fails;
# when one fails the other is stopped at once rather than left to its time-out.
run_pair() {
  local lib="$1" tag="$2" local_prog="$3" remote_prog="$4" endpoint="$5" size="$6" count="$7"
  local lpid rpid first status=0 lstatus=0 rstatus=0 snap
  case "$endpoint" in ipc://*) rm -f "${endpoint#ipc://}" ;; esac
  LD_LIBRARY_PATH="$lib" timeout "$timeout_s" "$build/$local_prog" "$endpoint" "$size" "$count" \
    >"$build/local.out" 2>"$build/local.err" &
  lpid=$!
  if ! wait_listening "$endpoint" "$lpid"; then
    kill "$lpid" 2>/dev/null || true
    wait "$lpid" || lstatus=$?
    echo "$tag !fail $local_prog did not listen on $endpoint: $(describe "$lstatus")$([ ! -s "$build/local.err" ] || echo ": $(head -n 1 "$build/local.err" | head -c 200)")"
    return
  fi
  LD_LIBRARY_PATH="$lib" timeout "$timeout_s" "$build/$remote_prog" "$endpoint" "$size" "$count" \
    >"$build/remote.out" 2>"$build/remote.err" &
  rpid=$!
  # Shortly before the time-out, note where the bytes are stuck (queues of the connection).
  ( trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$(awk -v t="$timeout_s" 'BEGIN { print t * 0.9 }')" & sleeper=$!
    wait "$sleeper"
    case "$endpoint" in
      tcp://*) ss -tn "( sport = :${endpoint##*:} or dport = :${endpoint##*:} )" ;;
      ipc://*) ss -xn | awk -v p="${endpoint#ipc://}" 'NR == 1 || index($0, p)' ;;
    esac ) >"$build/snapshot" 2>&1 &
  snap=$!
  wait -n -p first "$lpid" "$rpid" || status=$?
  if [ "$first" = "$lpid" ]; then
    lstatus=$status
    [ "$lstatus" -eq 0 ] || kill "$rpid" 2>/dev/null || true
    wait "$rpid" || rstatus=$?
  else
    rstatus=$status
    [ "$rstatus" -eq 0 ] || kill "$lpid" 2>/dev/null || true
    wait "$lpid" || lstatus=$?
  fi
  kill "$snap" 2>/dev/null || true
  wait "$snap" 2>/dev/null || true
  if [ "$lstatus" -ne 0 ] || [ "$rstatus" -ne 0 ]; then
    local why cause other cause_status other_status cause_err
    # The one that ended first with a failure is the cause; the other one we stopped, if it ran.
    if { [ "$first" = "$lpid" ] && [ "$lstatus" -ne 0 ]; } || [ "$rstatus" -eq 0 ]; then
      cause=$local_prog cause_status=$lstatus cause_err="$build/local.err" other=$remote_prog other_status=$rstatus
    else
      cause=$remote_prog cause_status=$rstatus cause_err="$build/remote.err" other=$local_prog other_status=$lstatus
    fi
    why="$cause $(describe "$cause_status")"
    [ ! -s "$cause_err" ] || why="$why: $(head -n 1 "$cause_err" | head -c 200)"
    case "$other_status" in
      0) ;;
      143) why="$why; $other stopped" ;;
      *) why="$why; $other $(describe "$other_status")" ;;
    esac
    if [ "$lstatus" -eq 124 ] || [ "$rstatus" -eq 124 ]; then
      why="$why; sockets shortly before (ss -n): $(awk 'NR > 1 { $1 = $1; printf "%s%s", sep, $0; sep = " | " } END { if (NR < 2) printf "none" }' "$build/snapshot" 2>/dev/null)"
    fi
    echo "$tag !fail $why"
  elif [ -z "$(figures "$tag" "$build/local.out" "$build/remote.out")" ]; then
    echo "$tag !fail $local_prog and $remote_prog printed no figures"
  else
    figures "$tag" "$build/local.out" "$build/remote.out"
  fi
  case "$endpoint" in ipc://*) rm -f "${endpoint#ipc://}" ;; esac
}

# summarize LABEL SIZE [FIGURES]: reads "lib name value" and "lib !fail why" lines and prints, for
# each figure (only those named in FIGURES when given), the median of each library and the ratio
# ours/libzmq. A library with a failed run shows FAIL, the ratio FAILED, and a "#" note says why.
summarize() {
  awk -v label="$1" -v size="$2" -v only="${3:-}" '
    $2 == "!fail" { fails[$1]++; why = $0; sub(/^[^ ]+ [^ ]+ /, "", why); notes[++nnotes] = $1 ": " why; next }
    only != "" && index(" " only " ", " " $2 " ") == 0 { next }
    { key = $2; if (!(key in order)) { order[key] = ++n; names[n] = key }
      v[$1, key, ++count[$1, key]] = $3 }
    function median(lib, key,   m, i, j, t, a) {
      m = count[lib, key]; for (i = 1; i <= m; i++) a[i] = v[lib, key, i]
      for (i = 2; i <= m; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
    function cell(lib, key) {
      if (fails[lib]) return "FAIL"
      if (!count[lib, key]) return "-"
      return sprintf("%.3f", median(lib, key)) }
    END {
      if (n == 0) { split(only, f, " "); names[++n] = (f[1] != "" ? f[1] : "(no figures)") }
      for (i = 1; i <= n; i++) { k = names[i]; a = cell("libzmq", k); b = cell("ours", k)
        if (fails["libzmq"] || fails["ours"] || a == "-" || b == "-") r = "FAILED"
        else r = sprintf("%.2fx", a > 0 ? b / a : 0)
        printf "%-12s %-22s %8s %14s %14s %8s\n", label, k, size, a, b, r }
      for (i = 1; i <= nnotes; i++) printf "%-12s   # %s\n", label, notes[i] }'
}

# compare LABEL SIZE PROGRAM ARGS...: runs the program on libzmq and on ours alternately, ROUNDS
# times each (so that drifting machine load hits both alike), and prints the median of each
# figure ("name value" lines) for both and their ratio ours/libzmq. FIGURES (environment), when
# set, names the figures to show.
compare() {
  local label="$1" size="$2"; shift 2
  local failed_libzmq=0 failed_ours=0 out
  for _ in $(seq "$rounds"); do
    if [ "$failed_libzmq" -eq 0 ]; then
      out="$(run_one "$system_libdir" libzmq "$@")"; echo "$out"
      case "$out" in *" !fail "*) failed_libzmq=1 ;; esac
    fi
    if [ "$failed_ours" -eq 0 ]; then
      out="$(run_one "$libdir" ours "$@")"; echo "$out"
      case "$out" in *" !fail "*) failed_ours=1 ;; esac
    fi
  done | summarize "$label" "$size" "${FIGURES:-}"
}

# compare_net LABEL SIZE LOCAL REMOTE ENDPOINT COUNT: as compare, for a network benchmark pair.
# tcp endpoints take a fresh port for every run ("tcp://127.0.0.1:PORT" is completed here).
compare_net() {
  local label="$1" size="$2" local_prog="$3" remote_prog="$4" endpoint="$5" count="$6"
  local failed_libzmq=0 failed_ours=0 out ep
  for _ in $(seq "$rounds"); do
    for lib in libzmq ours; do
      if [ "$lib" = libzmq ]; then [ "$failed_libzmq" -eq 0 ] || continue; dir="$system_libdir"
      else [ "$failed_ours" -eq 0 ] || continue; dir="$libdir"; fi
      ep="$endpoint"; [ "$ep" != tcp://127.0.0.1 ] || ep="$ep:$(free_port)"
      out="$(run_pair "$dir" "$lib" "$local_prog" "$remote_prog" "$ep" "$size" "$count")"; echo "$out"
      case "$out" in *" !fail "*) if [ "$lib" = libzmq ]; then failed_libzmq=1; else failed_ours=1; fi ;; esac
    done
  done | summarize "$label" "$size" "${FIGURES:-}"
}

printf '%-12s %-22s %8s %14s %14s %8s\n' bench figure size libzmq ours ratio
for size in 1 64 1024 65536; do
  count=2000000; [ "$size" -ge 65536 ] && count=200000
  compare msg "$size" msg_bench "$size" "$count"
done
for size in 1 64 1024; do
  FIGURES=msg/s compare inproc_thr "$size" inproc_thr "$size" 2000000
  compare inproc_lat "$size" inproc_lat "$size" 100000
done
for transport in tcp ipc; do
  case "$transport" in tcp) endpoint=tcp://127.0.0.1 ;; ipc) endpoint="ipc://$ipc_path" ;; esac
  for size in 1 64 1024 65536; do
    case "$size" in 1|64) count=1000000 ;; 1024) count=500000 ;; *) count=20000 ;; esac
    FIGURES="msg/s Mb/s" compare_net "${transport}_thr" "$size" local_thr remote_thr "$endpoint" "$count"
    FIGURES=latency_us compare_net "${transport}_lat" "$size" local_lat remote_lat "$endpoint" 20000
  done
done
# CURVE: the same throughput programs through the mechanism (BENCH_CURVE=1 gives both sides the
# test key pairs), and the rate of whole handshakes over new tcp connections.
for size in 1 64 1024 65536; do
  case "$size" in 1|64) count=500000 ;; 1024) count=200000 ;; *) count=10000 ;; esac
  BENCH_CURVE=1 FIGURES="msg/s Mb/s" compare_net curve_thr "$size" local_thr remote_thr tcp://127.0.0.1 "$count"
done
FIGURES=handshakes/s compare curve_hs 0 curve_handshake 2000
